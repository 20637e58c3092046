-- What looks like personal data in a value that is not a key: checked before a value is
-- quoted in a reason, stored as a channel or kept in a file or campaign name.
-- An email is anything with an @ before a letter or digit (a handle too); a phone is a number
-- written with separators (514 555-0199, +33 6 12 34 56 78) or ten North American digits.

create or replace temp macro turnout_has_email(x) as
    regexp_matches(x, '@[\p{L}\p{N}]');

-- with separators: a strong sign, safe to look for in ids too
create or replace temp macro turnout_has_written_phone(x) as
    regexp_matches(x, '(^|[^\d])(\+\d{1,3}[ .\-]?)?\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}($|[^\d])')
    or regexp_matches(x, '(^|[^\d])\+\d{1,3}([ .\-]?\d{1,4}){3,6}($|[^\d])')
    or regexp_matches(x, '(^|[^\d])0\d([ .\-]\d{2}){4}($|[^\d])');

create or replace temp macro turnout_has_phone(x) as
    turnout_has_written_phone(x)
    or regexp_matches(x, '(^|[^\d])1?[2-9]\d{2}[2-9]\d{6}($|[^\d])');

-- one cheap look first (an @, or three digits close together): most text has neither
create or replace temp macro turnout_has_contact(x) as
    case when regexp_matches(x, '@|\d\D?\d\D?\d')
        then coalesce(turnout_has_email(x) or turnout_has_phone(x), false)
        else false
    end;

-- one to four capitalised words of letters, particles allowed: "Hélène Côté", "MARIE", "J. de la Cruz"
create or replace temp macro turnout_looks_like_name(x) as
    coalesce(regexp_full_match(trim(x),
        '\p{Lu}[\p{L}''’.\-]*(\s+((d[eu]|des|la|le|van|von|da|di|del|ben|bin|al|el)\s+)*\p{Lu}[\p{L}''’.\-]*){0,3}'),
        false);

create or replace temp macro turnout_looks_personal(x) as
    coalesce(turnout_has_contact(x) or turnout_looks_like_name(x), false);

-- Emails and phones inside a text replaced by [...]: file names, campaigns, free text.
-- The same patterns as above, each occurrence replaced; the rest of the text is kept.
create or replace temp macro turnout_masked(x) as
    case when turnout_has_contact(x) then regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(regexp_replace(regexp_replace(x,
        '[^\s@<>()\[\],;:"'']*@[^\s<>()\[\],;:"'']*', '[…]', 'g'),
        '(^|[^\d])(\+\d{1,3}[ .\-]?)?\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}($|[^\d])', '\1[…]\3', 'g'),
        '(^|[^\d])\+\d{1,3}([ .\-]?\d{1,4}){3,6}($|[^\d])', '\1[…]\3', 'g'),
        '(^|[^\d])0\d([ .\-]\d{2}){4}($|[^\d])', '\1[…]\3', 'g'),
        '(^|[^\d])1?[2-9]\d{2}[2-9]\d{6}($|[^\d])', '\1[…]\2', 'g'),
        '\[…\]([ .\-]*\[…\])+', '[…]', 'g')
    else x end;

-- A row's message that quotes a value only when it does not look like personal data;
-- otherwise its other code, which says "a value that looks like personal data".
create or replace temp macro turnout_reject_quoting(code, personal_code, param, x, extra) as (
    case when turnout_looks_personal(x)
        then {'code': personal_code, 'params': extra}
        else {'code': code, 'params': json_merge_patch(coalesce(extra, '{}'::json),
                                                        json_object(param, left(trim(x), 40)))}
    end);

-- A key's keyed hash, taken as the file is read (staging.read_hashed) so that no clear key is
-- kept in a table that could spill to disk. The secret is a session variable set for the read
-- only (identity.use_secret), never SQL text.
create or replace temp macro turnout_key(kind, v) as (
    case when getvariable('turnout_secret') is null
        then error('the secret key is not set for this import')
        else sha256(getvariable('turnout_secret') || kind || ':' || v)
    end);

-- A platform's status word as stored: known words as written (lower case); anything else that
-- holds an email, a phone or a name (a shifted row) is only 'other'.
create or replace temp macro turnout_status(x) as (
    case
        when nullif(trim(x), '') is null then null
        when turnout_has_contact(x) or contains(x, '[…]') then 'other'
        when regexp_full_match(lower(trim(x)), '((not|no)[ _-])?(attending|attended|checked[ _-]?in|cancell?ed|refunded|deleted|transferred|registered|confirmed|approved|denied|rejected|pending|wait[ _-]?list(ed)?|accepted|declined|tentative|show|going|maybe|interested|active|inactive|yes|no)')
            then lower(trim(x))
        when turnout_looks_like_name(x) then 'other'
        else lower(trim(x))
    end);
