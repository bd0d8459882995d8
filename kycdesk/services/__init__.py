"""The workflows that cross models. Each is a typed, keyword-only function in a transaction;
admin actions, views, webhooks and tasks make one call into them."""
