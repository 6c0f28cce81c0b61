DROP TABLE IF EXISTS faq_notifications;
DROP TABLE IF EXISTS faq_candidate_runs;
DROP TABLE IF EXISTS faq_candidate_members;
DROP TABLE IF EXISTS faq_candidate_groups;
