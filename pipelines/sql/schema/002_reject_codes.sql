-- Version 2: a rejected row keeps the code and parameters of its message
-- (pipelines/locales), so the dashboard can word it in the reader's language.
-- `reason` keeps the English text; rows imported before this version have no code.

alter table rejects add column reject_code varchar;
alter table rejects add column reject_params json;
