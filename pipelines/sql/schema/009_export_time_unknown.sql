-- Version 9: whether an import knew when its file was exported. When nothing in the file or
-- its name dated the export, the file's modification time stood in for it (the import
-- summary said so); the history keeps saying so. Imports made before: null, not recorded.
-- Safe to run twice.

alter table imports add column if not exists is_export_time_unknown boolean;
