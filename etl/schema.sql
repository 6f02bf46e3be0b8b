-- Storage schema of the resolution 2589 database (DuckDB).
-- Layers: reference (committed CSVs in data/reference) -> loaded extracts (one table per extract
-- kind, each row stamped with the load batch it came from) -> models (etl/models.sql, rebuilt
-- after every load; the only tables metrics/ reads).
-- Codes: missions are canonical codes from ref_missions; States are ISO 3166-1 alpha-3.

-- ---------------------------------------------------------------- reference
-- One row per mission or office that appears in the UN fatalities register.
create table if not exists ref_missions (
    mission_code varchar primary key,   -- canonical code, e.g. MINUSCA, OSESGY, UNSECRETARIAT
    name_en varchar not null,
    name_fr varchar not null,
    kind varchar not null check (kind in ('pko', 'spm', 'office')),
    host_states varchar,                -- ';'-separated ISO3, primary host first; null for HQ
    primary_host varchar,               -- ISO3 or null
    start_date date,
    end_date date,                      -- null while active
    hq_name varchar,
    hq_lat double,
    hq_lon double
);

-- One row per spelling met in extracts (the canonical code maps to itself too).
create table if not exists ref_mission_aliases (
    alias varchar primary key,
    mission_code varchar not null references ref_missions (mission_code)
);

-- One row per country or area (ISO 3166-1 alpha-3 plus historical codes used by the register).
create table if not exists ref_countries (
    iso3 varchar primary key,
    m49 integer,
    name_en varchar not null,
    name_fr varchar not null
);

-- One row per nationality label of the register that carries no ISO3 code in some rows
-- (e.g. 'Viet Nam', 'ZZ [Undetermined]'); loads fill nationality_iso3 from it.
create table if not exists ref_country_aliases (
    label varchar primary key,
    iso3 varchar not null
);

-- One row: sha256 of the reference CSVs last loaded (etl.db.init_db skips an unchanged refresh).
create table if not exists ref_version (
    sha256 varchar not null
);

-- ---------------------------------------------------------------- provenance
-- One row per file loaded. sha256 is unique: loading the same bytes again is a no-op.
create sequence if not exists load_batch_seq start 1;
create table if not exists load_batches (
    batch_id integer primary key default nextval('load_batch_seq'),
    file_name varchar not null,
    sha256 varchar not null unique,
    kind varchar not null,              -- extract kind, see etl/extracts.py
    rows_read bigint not null,
    rows_inserted bigint not null,
    rows_updated bigint not null,
    loaded_at timestamp not null,
    synthetic boolean not null default false
);

-- ---------------------------------------------------------------- UN fatalities register
-- One row per register snapshot loaded.
create table if not exists register_snapshots (
    snapshot_date date primary key,     -- last_update, or max(incident_date) for the old schema
    batch_id integer not null,
    rows bigint not null,
    synthetic boolean not null default false
);

-- One row per snapshot x casualty x nationality label: every snapshot is kept whole, so any
-- past figure can be recomputed and reclassifications are visible (history by construction).
-- Quirk rule: the six casualty ids listed under both 'Montenegro' and 'Serbia and Montenegro'
-- are kept as two rows, as the UN counts them; key includes the nationality label.
create table if not exists register_records (
    snapshot_date date not null,
    casualty_id varchar not null,
    nationality_name varchar not null,
    record_id bigint,                   -- 'id' (new schema only)
    incident_date date not null,
    mission_code varchar not null,      -- canonical
    mission_acronym varchar not null,   -- as written in the file
    personnel_type varchar not null,    -- trimmed: Military, Police, Military Observer,
                                        -- International Civilian, Local, Other
    incident_type varchar not null,     -- Malicious Act, Accident, Illness, Self-Inflicted,
                                        -- To Be Determined, Unknown
    gender varchar,                     -- 'M', 'F' or null (unknown)
    nationality_iso3 varchar,
    m49 integer,
    batch_id integer not null,
    primary key (snapshot_date, casualty_id, nationality_name)
);

-- ---------------------------------------------------------------- case tracking (own format)
-- Keys (incident_id, victim_id, ...; deployments: month x mission x contributor x gender) are
-- unique but carry no PRIMARY KEY constraint: DuckDB maintains a primary key as an ART index,
-- which made inserting 1M rows several times slower than the insert itself. Uniqueness is
-- checked instead, per file and across the files of a load before anything is written
-- (etl/validate.py), and on the whole table after every load (data test unique_<table>_<key>
-- in etl/checks.py); etl/load.py upserts by deleting the stored rows of the staged keys, then
-- inserting. Databases created before this change keep their primary keys and still load.
-- One row per incident (attack, detention, abduction...) against UN personnel.
create table if not exists incidents (
    incident_id varchar not null,
    occurred_at timestamp not null,     -- ISO date or date-time; time may be 00:00 if unknown
    mission_code varchar not null,
    host_state varchar not null,        -- ISO3
    admin_area varchar,
    place varchar,
    lat double,
    lon double,
    act_type varchar not null,          -- killing, armed_attack, ied_mine, indirect_fire, ambush,
                                        -- detention, abduction, assault, attack_on_premises, other
    perpetrator_group varchar,
    narrative varchar,
    verification varchar not null,      -- confirmed, probable, possible, unverified
    source varchar,
    synthetic boolean not null default false,
    batch_id integer not null
);

-- One row per person affected in an incident.
create table if not exists victims (
    victim_id varchar not null,
    incident_id varchar not null,
    personnel_category varchar not null,  -- register personnel types (Military, Police, ...)
    nationality varchar not null,          -- ISO3
    gender varchar not null,               -- F, M, unknown
    age_band varchar,                      -- e.g. 18-24, 25-34, 35-44, 45-54, 55+, unknown
    outcome varchar not null,              -- killed, injured, detained, abducted, released
    casualty_id varchar,                   -- register casualty id when killed
    full_name varchar,                     -- personal data: headquarters only
    batch_id integer not null
);

-- One row per national case file: one incident x jurisdiction.
create table if not exists cases (
    case_id varchar not null,
    incident_id varchar not null,
    state varchar not null,              -- ISO3 of the State that holds the case file
    authority varchar,                   -- competent authority (court, prosecutor, gendarmerie)
    batch_id integer not null
);

-- One row per stage reached by a case (the stage history).
create table if not exists case_events (
    event_id varchar not null,
    case_id varchar not null,
    event_date date not null,
    stage varchar not null,              -- notified, investigation_opened, suspect_identified,
                                         -- arrest, detention, charges, trial_opened, convicted,
                                         -- convicted_in_absentia, acquitted, sentence, appeal,
                                         -- closed_without_prosecution
    persons integer,                     -- persons concerned by this event (arrested, convicted..)
    source varchar not null,
    batch_id integer not null
);

-- One row per suspect or accused in a case.
create table if not exists suspects (
    suspect_id varchar not null,
    case_id varchar not null,
    affiliation varchar,                 -- armed group etc.: headquarters only
    gender varchar not null,             -- F, M, unknown
    status varchar not null,             -- identified, at_large, arrested, detained, charged,
                                         -- convicted, convicted_in_absentia, acquitted, released,
                                         -- deceased
    full_name varchar,                   -- personal data: headquarters only
    batch_id integer not null
);

-- One row per notification to national authorities (para 8).
create table if not exists notifications (
    notification_id varchar not null,
    incident_id varchar not null,
    sent_at timestamp not null,
    channel varchar not null,            -- note_verbale, letter, meeting, email, other
    recipient_state varchar not null,    -- ISO3
    answer_received_on date,             -- null: no answer received
    batch_id integer not null
);

-- One row per capacity-building activity (paras 3, 5).
create table if not exists assistance (
    assistance_id varchar not null,
    host_state varchar not null,
    mission_code varchar,
    start_date date not null,
    end_date date,
    assistance_type varchar not null,    -- forensics, evidence, investigation, prosecution,
                                         -- court_security, detention, victim_witness_protection,
                                         -- training
    beneficiary varchar,
    participants_f integer not null default 0,
    participants_m integer not null default 0,
    participants_unknown integer not null default 0,
    batch_id integer not null
);

-- One row per focal-point designation (para 9). Names are personal data.
create table if not exists focal_points (
    focal_point_id varchar not null,
    mission_code varchar not null,
    function varchar not null,
    full_name varchar,
    from_date date not null,
    to_date date,
    batch_id integer not null
);

-- One row per month x mission x contributing country x gender (optional extract).
create table if not exists deployments (
    month date not null,                 -- first day of month
    mission_code varchar not null,
    contributor varchar not null,        -- ISO3
    gender varchar not null,             -- F, M
    strength integer not null,
    batch_id integer not null
);
