-- Webhook signing secrets are kept encrypted (AES-256-GCM with the app's SECRET_KEY, as CSD keys
-- are): a copy of the database alone cannot sign deliveries an integrator would trust. SQL cannot
-- encrypt with a key it does not have, so `secret` stays for rows written before this migration;
-- the webhook worker seals them into `secret_enc` when it starts, and new rows never fill it.
alter table webhook_subscriptions add column secret_enc text;
alter table webhook_subscriptions alter column secret drop not null;
alter table webhook_subscriptions
  add constraint webhook_subscriptions_secret_kept check (secret is not null or secret_enc is not null);
