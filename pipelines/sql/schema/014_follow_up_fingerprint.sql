-- Version 14: the follow-up list's fingerprint of what it was written from moves out of its
-- rows into model_follow_up_list (pipelines/models/follow_up.py), so that a refresh can
-- update the list in place. Without a fingerprint kept, the next refresh writes the list.
alter table if exists mart_follow_up drop column if exists inputs_hash;
