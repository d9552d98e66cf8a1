"""`tarifftalks studio …`: the Label Studio round trip (docs/DESIGN.md §6, §11).

config.py    the labeling config, generated from `tarifftalks.schema`
convert.py   gold <-> Label Studio results (pre-annotations and annotations)
server.py    a local server: `studio up | down | status`
postgres.py  the throwaway PostgreSQL cluster of `studio up --postgres`
client.py    the connection (local server, or LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY)
users.py     annotator accounts: `studio users add | list`
push.py      documents -> tasks (idempotent, batched; pre-annotation only when asked)
pull.py      snapshot export -> validated canonical gold, agreement, adjudication rows, diff
cli.py       the subcommands
"""
