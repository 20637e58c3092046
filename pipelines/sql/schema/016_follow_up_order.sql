-- Version 16: the follow-up list keeps what ranks each person before rounding (`order_key`),
-- so that a refresh with the kept fit writes again the rows of the people a batch changed
-- and renumbers everyone's rank, instead of writing the whole list again. Its fingerprint
-- moves out of the list's rows into `model_follow_up_written`, one row. A list written
-- before keeps its rows and ranks; the next refresh writes it again in full (nothing says
-- what it was written from). Run again, it changes nothing.

alter table if exists mart_follow_up drop column if exists inputs_hash;
alter table if exists mart_follow_up add column if not exists order_key double;
