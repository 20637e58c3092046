-- Macros shared by every import: how text from an export becomes numbers and times.
-- They run inside the import's connection, as temporary macros.

-- A number written with thousands separators, spaces (incl. no-break ones) or a decimal comma.
create or replace temp macro turnout_number(x, decimal_mark) as try_cast(
    case
        when decimal_mark = ','
            then replace(replace(regexp_replace(trim(x), '[\s\x{00a0}\x{202f}'']', '', 'g'), '.', ''), ',', '.')
        else replace(regexp_replace(trim(x), '[\s\x{00a0}\x{202f}'']', '', 'g'), ',', '')
    end as double);

-- A digest kept as a number: the md5 of a text as the 128-bit number its 32 hex digits
-- write. A record's id and its row hash are these: 16 bytes that join and compare as one
-- value, where the hex text took 32 characters (the hand-over to Spark writes the hex).
create or replace temp macro turnout_digest(x) as cast('0x' || md5(x) as uhugeint);

-- A person's key as it is stored: the first 128 bits of its keyed sha256 (turnout_key), the
-- number its first 32 hex digits write. An import works on the 64 digits, which its record
-- references and row hashes are made from, and stores the number (merge.py).
create or replace temp macro turnout_key_number(key_hash) as
    cast('0x' || left(key_hash, 32) as uhugeint);

-- Excel's way of destroying a long id: 1.22158E+17
create or replace temp macro turnout_is_scientific(x) as
    regexp_full_match(trim(x), '[0-9]([.,][0-9]+)?[eE][+]?[0-9]+');

-- Slash dates normalised to d/m/y or m/d/y with '/', whatever the file used.
create or replace temp macro turnout_slashed(x) as
    regexp_replace(trim(x), '^(\d{1,2})[.-](\d{1,2})[.-](\d{2,4})', '\1/\2/\3');

-- Times are stored as the wall-clock time where the campaign happens, as exports write them
-- (Eastern time: Montréal, Québec, Ottawa, Toronto). A time that says its offset or zone
-- (+05:00, Z, EST) is converted to that wall-clock time.
create or replace temp macro turnout_local(t) as timezone('America/Toronto', t);

create or replace temp macro turnout_has_zone(x) as regexp_full_match(trim(x),
    '\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?|[A-Za-z]{3,5}|[A-Za-z_]+/[A-Za-z_]+)');

-- North American zone names DuckDB does not know all of (EDT, ADT, NST…), as offsets.
create or replace temp macro turnout_named_offset(x) as
    map {'NDT': '-02:30', 'NST': '-03:30', 'ADT': '-03:00', 'AST': '-04:00', 'EDT': '-04:00',
         'EST': '-05:00', 'CDT': '-05:00', 'CST': '-06:00', 'MDT': '-06:00', 'MST': '-07:00',
         'PDT': '-07:00', 'PST': '-08:00'}[upper(regexp_extract(trim(x), '\s([A-Za-z]{3})$', 1))];

-- Dates written in words, as X has spelt them (`Mon Feb 10 2025`, `lun. 10 févr. 2025`):
-- lower case without commas or dots, the weekday dropped, months as English three letters.
create or replace temp macro turnout_words_only(x) as
    trim(regexp_replace(regexp_replace(lower(trim(x)), '[.,]', ' ', 'g'), '\s+', ' ', 'g'));

create or replace temp macro turnout_without_weekday(s) as (
    case when regexp_matches(s, '^(mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-z]* .*[a-zéû]{3}')
        then regexp_replace(s, '^[a-z]+ ', '') else s end);

create or replace temp macro turnout_month_words(x) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        turnout_without_weekday(turnout_words_only(x)),
        '\bjanv(ier)?\b', 'jan'), 'f[ée]v(r(ier)?)?\b', 'feb'), '\bavr(il)?\b', 'apr'),
        '\bmai\b', 'may'), '\bjuin\b', 'jun'), '\bjuil(let)?\b', 'jul'), '\bao[uû]t\b', 'aug'),
        'd[ée]c(embre)?\b', 'dec'),
        '\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b', '\1');

create or replace temp macro turnout_timestamp_in_any_form(x, day_first) as (
    case
        when x is null then null
        when turnout_has_zone(x) then turnout_local(coalesce(
            try_cast(regexp_replace(trim(x), '\s[A-Za-z]{3}$', '') || turnout_named_offset(x)
                     as timestamptz),
            try_cast(trim(x) as timestamptz),
            try_strptime(trim(x), ['%Y-%m-%d %H:%M %z', '%Y-%m-%d %H:%M:%S %z'])))
        when regexp_matches(trim(x), '^\d{4}-\d{2}-\d{2}') then coalesce(
            try_cast(trim(x) as timestamp), turnout_local(try_cast(trim(x) as timestamptz)))
        -- a Unix time is kept on the UTC clock, as exports that write one have always been read
        when regexp_full_match(trim(x), '\d{9,10}') then cast(to_timestamp(cast(trim(x) as bigint)) as timestamp)
        when regexp_matches(turnout_slashed(x), '^\d{1,2}/\d{1,2}/\d{2}(\D|$)') then
            case when day_first
                then try_strptime(turnout_slashed(x), ['%d/%m/%y %H:%M:%S', '%d/%m/%y %H:%M', '%d/%m/%y %I:%M %p', '%d/%m/%y'])
                else try_strptime(turnout_slashed(x), ['%m/%d/%y %H:%M:%S', '%m/%d/%y %H:%M', '%m/%d/%y %I:%M %p', '%m/%d/%y'])
            end
        when regexp_matches(turnout_slashed(x), '^\d{1,2}/\d{1,2}/\d{4}') then
            case when day_first
                then try_strptime(turnout_slashed(x), ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y %I:%M:%S %p', '%d/%m/%Y %I:%M %p', '%d/%m/%Y'])
                else try_strptime(turnout_slashed(x), ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y %I:%M:%S %p', '%m/%d/%Y %I:%M %p', '%m/%d/%Y'])
            end
        else coalesce(try_strptime(trim(x), [
            '%b %d, %Y %H:%M:%S', '%b %d, %Y %I:%M:%S %p', '%b %d, %Y %I:%M %p', '%b %d, %Y %H:%M',
            '%b %d, %Y', '%a, %b %d, %Y', '%B %d, %Y', '%d %b %Y', '%d %B %Y', '%d %b %Y %H:%M']),
            try_strptime(turnout_month_words(x), [
            '%b %d %Y', '%d %b %Y', '%b %d %Y %H:%M', '%d %b %Y %H:%M', '%Y %b %d']))
    end);

-- Most exports write times as 2026-10-05 18:30:00, without a zone: read at once, and by
-- turnout_timestamp_in_any_form (which reads them the same) only when that fails. A
-- 684,777-row newsletter's times: 0.20 s -> 0.07 s.
create or replace temp macro turnout_timestamp(x, day_first) as coalesce(
    case when regexp_full_match(x, '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?')
        then try_cast(x as timestamp) end,
    turnout_timestamp_in_any_form(x, day_first));

create or replace temp macro turnout_bool(x) as (
    case
        when lower(trim(x)) in ('true', 't', 'yes', 'y', '1', 'oui', 'o', 'vrai', 'x') then true
        when lower(trim(x)) in ('false', 'f', 'no', 'n', '0', 'non', 'faux') then false
    end);

create or replace temp macro turnout_email(x) as (
    case when regexp_full_match(lower(trim(x)), '[^@\s]+@[^@\s]+\.[^@\s]+') then lower(trim(x)) end);

-- "How did you hear about us?" and UTM sources, folded into a few channels. Free text that
-- holds an email, a phone (masked as [...] when typed) or a name is only 'other'.
create or replace temp macro turnout_channel(x) as (
    case
        when x is null or trim(x) = '' then null
        when turnout_has_contact(x) or contains(x, '[…]') then 'other'
        when regexp_matches(lower(x), 'flyer|tract|d[ée]pliant|poster|affiche|leaflet') then 'flyer'
        when regexp_matches(lower(x), 'friend|ami|bouche|word of mouth|famil|coll[eè]gue|neighbo|voisin') then 'friend'
        when regexp_matches(lower(x), 'radio') then 'radio'
        when regexp_matches(lower(x), 'church|[ée]glise|mosque|mosqu[ée]e|temple|synagog|worship|culte|paroisse|parish') then 'place_of_worship'
        when regexp_matches(lower(x), 'facebook|\bfb\b') then 'facebook'
        when regexp_matches(lower(x), 'instagram|\big\b') then 'instagram'
        when regexp_matches(lower(x), 'twitter|\bx\b|tweet') then 'x'
        when regexp_matches(lower(x), 'e-?mail|courriel|newsletter|infolettre|mailchimp') then 'email'
        when regexp_matches(lower(x), 'journal|newspaper|presse|press|tv|t[ée]l[ée]') then 'press'
        -- a person's name written as where they heard of it ("Marie Tremblay"): two words or
        -- more shaped like a name, none of them a word of the platforms' channel names
        when turnout_looks_like_name(x) and regexp_matches(trim(x), '\s')
             and not regexp_matches(lower(x), '\b(organic|social|search|paid|direct|referral|display|video|affiliates?|unassigned|cross|network|shopping|sms|audio|mobile|push|other|web|site|campaign)\b')
            then 'other'
        else lower(trim(x))
    end);
