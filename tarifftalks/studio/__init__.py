"""`tarifftalks studio …`: the Label Studio round trip (SPEC §6).

config.py   the labeling config, generated from `tarifftalks.schema`
convert.py  gold <-> Label Studio results (pre-annotations and annotations)
server.py   a local server: `studio up | down | status`
client.py   the connection (local server, or LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY)
push.py     documents -> tasks with predictions (idempotent, batched)
pull.py     snapshot export -> validated canonical gold, diff, agreement, adjudication
cli.py      the subcommands
"""
