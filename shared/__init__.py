"""What the four Mobile Office services truly share: the CloudEvents envelope, the event
contracts, topic names, the outbox and inbox, settings, store, metrics and HTTP helpers."""
