"""Email notifications: the outbox, what puts mails in it, tokens and transports (no Flask).

Events (`events`) write rows to the outbox in the transaction of the change they tell about;
the worker (`flask mail send`, in `moderation/mail.py`) renders and sends them through a
transport (`transport`), retrying with backoff (`outbox`). Nothing here sends mail from a web
request.
"""
