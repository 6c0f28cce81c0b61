-- Every outgoing e-mail. A row is written in the transaction of the change that causes it,
-- together with the delivery job, so a mail exists exactly when its cause does and a down
-- SMTP server only delays it. Without SMTP configured mails stay here as the outbox.
CREATE TABLE mails (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address  text NOT NULL,
    to_name     text NOT NULL DEFAULT '',
    subject     text NOT NULL,
    body_text   text NOT NULL,
    body_html   text NOT NULL DEFAULT '',
    template    text NOT NULL DEFAULT '',
    sensitive   boolean NOT NULL DEFAULT false,
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'outbox', 'failed')),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX mails_created_idx ON mails (created_at DESC, id DESC);
CREATE INDEX mails_to_idx ON mails (lower(to_address), created_at DESC);
