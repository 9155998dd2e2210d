"""The operator's tools: the local brokers and PostgreSQL, the bus's topics and ACLs,
credentials, migrations, the documents, `make run`. Run as modules from the repository's
folder: `python -m deploy.run`."""
