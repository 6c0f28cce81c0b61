DROP TABLE IF EXISTS audit_log, article_sources, ticket_messages, tickets, votes, comments,
    article_slugs, article_revisions, articles, sections, categories, email_tokens, identities,
    users, account_types CASCADE;
