-- Model tables: the only tables metrics/ reads (besides reference and provenance).
-- Rebuilt after every load and by the demo generator (etl.models.build_models), idempotent.
-- Owned by the metrics work; definitions of every number live in metrics/catalogue.py.
--
-- Layers: fact_incidents (one row per incident) -> fact_cases (one row per national case file;
-- the macro fact_cases_as_of recomputes it on any past date from the stage history)
-- -> rollups (small tables at mission x month grain that headline numbers read).

set enable_progress_bar = false;
-- Row order of model tables carries no meaning; without it DuckDB builds them in far less
-- memory (the demo and loads run under a memory limit). Reset to the default at the end.
set preserve_insertion_order = false;

-- ---------------------------------------------------------------- macros
-- Outcome of one case (CPJ impunity-index style), from person counts and stage dates as they
-- stood on the as-of date. Judgment events: convicted, convicted_in_absentia, acquitted.
--   full_justice    at least one person convicted in person, nobody convicted in absentia only,
--                   nobody acquitted (everyone judged was convicted and is in custody)
--   partial_justice at least one conviction, but also acquittals or convictions in absentia
--                   (or convictions in absentia only)
--   impunity        closed without prosecution with no conviction, or judged with no conviction
--                   (all acquitted)
--   pending         none of the above: the case is open and no judgment has been given
create or replace macro r2589_case_outcome(convicted_present, convicted_absentia, acquitted, closed_without_prosecution) as
    case
        when coalesce(convicted_present, 0) > 0
             and coalesce(convicted_absentia, 0) = 0
             and coalesce(acquitted, 0) = 0 then 'full_justice'
        when coalesce(convicted_present, 0) + coalesce(convicted_absentia, 0) > 0 then 'partial_justice'
        when coalesce(acquitted, 0) > 0 or closed_without_prosecution then 'impunity'
        else 'pending'
    end;

-- Order of stages along the justice chain: breaks ties between events of the same day when
-- choosing the current stage.
create or replace macro r2589_stage_rank(stage) as
    case stage
        when 'notified' then 1
        when 'investigation_opened' then 2
        when 'suspect_identified' then 3
        when 'arrest' then 4
        when 'detention' then 5
        when 'charges' then 6
        when 'trial_opened' then 7
        when 'acquitted' then 8
        when 'convicted_in_absentia' then 9
        when 'convicted' then 10
        when 'sentence' then 11
        when 'appeal' then 12
        when 'closed_without_prosecution' then 13
        else 0
    end;

-- ---------------------------------------------------------------- fact_incidents
-- Grain: one row per incident in case tracking. verified = verification 'confirmed'.
-- killed/injured/detained/abducted count victims by outcome; a victim recorded as 'released'
-- counts as abducted when the act was an abduction, else as detained (and in `released`).
create or replace table fact_incidents as
with
victim_counts as (
    -- Counts, and the least and greatest value of each list column (a list of at most two
    -- distinct values is [lo] or [lo, hi]; list() aggregates were most of the model build).
    -- nationality and personnel_category are not null (etl/schema.sql).
    select
        v.incident_id,
        count(*) filter (where v.outcome = 'killed') as killed,
        count(*) filter (where v.outcome = 'injured') as injured,
        -- released victims are added to detained or abducted by the incident's act type (final)
        count(*) filter (where v.outcome = 'detained') as detained_only,
        count(*) filter (where v.outcome = 'abducted') as abducted_only,
        count(*) filter (where v.outcome = 'released') as released,
        count(*) as victims,
        count(*) filter (where v.gender = 'F') as victims_f,
        count(*) filter (where v.gender = 'M') as victims_m,
        count(*) filter (where v.gender not in ('F', 'M')) as victims_unknown,
        min(v.nationality) filter (
            where v.personnel_category in ('Military', 'Police', 'Military Observer')) as uniformed_lo,
        max(v.nationality) filter (
            where v.personnel_category in ('Military', 'Police', 'Military Observer')) as uniformed_hi,
        min(v.nationality) filter (
            where v.personnel_category not in ('Military', 'Police', 'Military Observer')) as civilian_lo,
        max(v.nationality) filter (
            where v.personnel_category not in ('Military', 'Police', 'Military Observer')) as civilian_hi,
        min(v.nationality) as nationality_lo,
        max(v.nationality) as nationality_hi,
        min(trim(v.personnel_category)) as personnel_lo,
        max(trim(v.personnel_category)) as personnel_hi
    from victims as v
    group by v.incident_id
),
victim_lists as (
    -- Sorted distinct lists, only for incidents where some list holds three or more distinct
    -- values: a victim's nationality or type lies strictly between the least and the greatest
    -- (uniformed and civilian nationalities are among the nationalities).
    select
        v.incident_id,
        list_sort(list_distinct(list(v.nationality) filter (
            where v.personnel_category in ('Military', 'Police', 'Military Observer')))) as uniformed_nationalities,
        list_sort(list_distinct(list(v.nationality) filter (
            where v.personnel_category not in ('Military', 'Police', 'Military Observer')))) as civilian_nationalities,
        list_sort(list_distinct(list(v.nationality))) as nationalities,
        list_sort(list_distinct(list(trim(v.personnel_category)))) as personnel_types
    from victims as v
    where v.incident_id in (
        select w.incident_id
        from victims as w
        join victim_counts as c on c.incident_id = w.incident_id
        where c.victims > 2
            and ((w.nationality > c.nationality_lo and w.nationality < c.nationality_hi)
                or (trim(w.personnel_category) > c.personnel_lo
                    and trim(w.personnel_category) < c.personnel_hi)))
    group by v.incident_id
),
case_notification_counts as (
    -- cases and notifications of an incident in one aggregate over both tables (one join to
    -- incidents instead of two); case rows have no sent_at, notification rows no case_id
    select
        incident_id,
        count(case_id) as n_cases,
        min(sent_at) as first_notified_at,
        min(answer_received_on) as first_answer_on
    from (
        select incident_id, case_id from cases
        union all by name
        select incident_id, sent_at, answer_received_on from notifications
    )
    group by incident_id
),
final as (
    select
        i.incident_id,
        i.occurred_at,
        cast(i.occurred_at as date) as incident_date,
        year(i.occurred_at) as year,
        cast(date_trunc('month', i.occurred_at) as date) as month,
        i.mission_code,
        i.host_state,
        coalesce(m.kind = 'pko', false) as is_pko,
        i.act_type,
        i.verification,
        i.verification = 'confirmed' as verified,
        i.lat,
        i.lon,
        i.admin_area,
        coalesce(vc.killed, 0) as killed,
        coalesce(vc.injured, 0) as injured,
        coalesce(vc.detained_only, 0)
            + case when i.act_type <> 'abduction' then coalesce(vc.released, 0) else 0 end as detained,
        coalesce(vc.abducted_only, 0)
            + case when i.act_type = 'abduction' then coalesce(vc.released, 0) else 0 end as abducted,
        coalesce(vc.released, 0) as released,
        coalesce(vc.victims, 0) as victims,
        coalesce(vc.victims_f, 0) as victims_f,
        coalesce(vc.victims_m, 0) as victims_m,
        coalesce(vc.victims_unknown, 0) as victims_unknown,
        case
            when vl.incident_id is not null then coalesce(vl.uniformed_nationalities, []::varchar[])
            when vc.uniformed_lo is null then []::varchar[]
            when vc.uniformed_lo = vc.uniformed_hi then [vc.uniformed_lo]
            else [vc.uniformed_lo, vc.uniformed_hi]
        end as uniformed_nationalities,
        case
            when vl.incident_id is not null then coalesce(vl.civilian_nationalities, []::varchar[])
            when vc.civilian_lo is null then []::varchar[]
            when vc.civilian_lo = vc.civilian_hi then [vc.civilian_lo]
            else [vc.civilian_lo, vc.civilian_hi]
        end as civilian_nationalities,
        case
            when vl.incident_id is not null then coalesce(vl.nationalities, []::varchar[])
            when vc.nationality_lo is null then []::varchar[]
            when vc.nationality_lo = vc.nationality_hi then [vc.nationality_lo]
            else [vc.nationality_lo, vc.nationality_hi]
        end as nationalities,
        case
            when vl.incident_id is not null then coalesce(vl.personnel_types, []::varchar[])
            when vc.personnel_lo is null then []::varchar[]
            when vc.personnel_lo = vc.personnel_hi then [vc.personnel_lo]
            else [vc.personnel_lo, vc.personnel_hi]
        end as personnel_types,
        -- gender classes present, sorted (F < M < unknown), from the counts (victims.gender is
        -- not null, so victims_unknown counts exactly the 'unknown' class)
        ([[], ['F'], ['M'], ['F', 'M'], ['unknown'], ['F', 'unknown'], ['M', 'unknown'],
          ['F', 'M', 'unknown']]::varchar[][])[
            1 + cast(coalesce(vc.victims_f, 0) > 0 as integer)
              + 2 * cast(coalesce(vc.victims_m, 0) > 0 as integer)
              + 4 * cast(coalesce(vc.victims_unknown, 0) > 0 as integer)] as genders,
        coalesce(cn.n_cases, 0) as n_cases,
        cn.first_notified_at,
        cn.first_answer_on,
        -- hours from the incident to the first notification (para 8); null if never notified
        date_diff('minute', i.occurred_at, cn.first_notified_at) / 60.0 as notification_delay_hours,
        i.synthetic
    from incidents as i
    left join ref_missions as m on m.mission_code = i.mission_code
    left join victim_counts as vc on vc.incident_id = i.incident_id
    left join victim_lists as vl on vl.incident_id = i.incident_id
    left join case_notification_counts as cn on cn.incident_id = i.incident_id
)
select * from final;

-- ---------------------------------------------------------------- fact_cases
-- Stage history of every case as it stood on date `as_of` (events dated on or before it):
-- first date of each stage, persons concerned, current stage and outcome. One row per case
-- with at least one event by then.
-- changed_only: only cases with an event after `as_of` (the others are as in fact_cases).
create or replace macro case_stages_as_of(as_of, changed_only := false) as table
with
firsts as (
    select
        e.case_id,
        min(e.event_date) as first_event_on,
        max(e.event_date) as last_event_on,
        arg_max(e.stage, date_diff('day', date '1900-01-01', e.event_date) * 100 + r2589_stage_rank(e.stage)) as current_stage,
        min(e.event_date) filter (where e.stage = 'notified') as notified_on,
        min(e.event_date) filter (where e.stage = 'investigation_opened') as investigation_opened_on,
        min(e.event_date) filter (where e.stage = 'suspect_identified') as suspect_identified_on,
        min(e.event_date) filter (where e.stage = 'arrest') as arrest_on,
        min(e.event_date) filter (where e.stage = 'detention') as detention_on,
        min(e.event_date) filter (where e.stage = 'charges') as charges_on,
        min(e.event_date) filter (where e.stage = 'trial_opened') as trial_opened_on,
        min(e.event_date) filter (where e.stage = 'convicted') as convicted_on,
        min(e.event_date) filter (where e.stage = 'convicted_in_absentia') as convicted_in_absentia_on,
        min(e.event_date) filter (where e.stage = 'acquitted') as acquitted_on,
        min(e.event_date) filter (where e.stage = 'sentence') as sentence_on,
        min(e.event_date) filter (where e.stage = 'appeal') as appeal_on,
        min(e.event_date) filter (where e.stage = 'closed_without_prosecution') as closed_without_prosecution_on,
        -- an event without a person count concerns at least one person
        cast(coalesce(sum(coalesce(e.persons, 1)) filter (where e.stage = 'arrest'), 0) as bigint) as persons_arrested,
        cast(coalesce(sum(coalesce(e.persons, 1)) filter (where e.stage = 'convicted'), 0) as bigint) as persons_convicted_present,
        cast(coalesce(sum(coalesce(e.persons, 1)) filter (where e.stage = 'convicted_in_absentia'), 0) as bigint) as persons_convicted_in_absentia,
        cast(coalesce(sum(coalesce(e.persons, 1)) filter (where e.stage = 'acquitted'), 0) as bigint) as persons_acquitted
    from case_events as e
    where e.event_date <= as_of
      and (not changed_only
           or e.case_id in (select case_id from case_events where event_date > as_of))
    group by e.case_id
)
select
    f.*,
    -- prosecuted: charges brought or trial opened (a judgment implies both)
    least(f.charges_on, f.trial_opened_on, f.convicted_on, f.convicted_in_absentia_on, f.acquitted_on) as prosecuted_on,
    least(f.convicted_on, f.convicted_in_absentia_on, f.acquitted_on) as judgment_on,
    least(f.convicted_on, f.convicted_in_absentia_on) as first_conviction_on,
    -- a suspect is identified when named, arrested or prosecuted
    least(f.suspect_identified_on, f.arrest_on, f.detention_on, f.charges_on, f.trial_opened_on,
          f.convicted_on, f.convicted_in_absentia_on, f.acquitted_on) as suspects_identified_on,
    f.persons_convicted_present + f.persons_convicted_in_absentia as persons_convicted,
    r2589_case_outcome(
        f.persons_convicted_present, f.persons_convicted_in_absentia, f.persons_acquitted,
        f.closed_without_prosecution_on is not null
    ) as outcome
from firsts as f;

-- Grain: one row per case with at least one event: its stage history at the end of the data
-- (built as a table of its own so that fact_cases joins two tables, in bounded memory).
create or replace table case_stages as
select * from case_stages_as_of(date '9999-12-31');

-- Grain: one row per case with suspects: suspects by gender.
create or replace table case_suspects as
select
    case_id,
    count(*) as suspects,
    count(*) filter (where gender = 'F') as suspects_f,
    count(*) filter (where gender = 'M') as suspects_m,
    count(*) filter (where gender not in ('F', 'M')) as suspects_unknown
from suspects
group by case_id;

-- Grain: one row per national case file (one incident x one State), with the incident's
-- attributes, suspects by gender and the stage history at the end of the data.
-- opened_on: first event, or the incident date for a case without events.
create or replace table fact_cases as
select
    c.case_id,
    c.incident_id,
    c.state,
    c.authority,
    i.occurred_at,
    i.incident_date,
    i.year,
    i.month,
    i.mission_code,
    i.host_state,
    i.is_pko,
    i.act_type,
    i.verification,
    i.verified,
    i.killed,
    i.injured,
    i.detained,
    i.abducted,
    i.uniformed_nationalities,
    i.civilian_nationalities,
    i.nationalities,
    i.personnel_types,
    i.genders,
    coalesce(s.first_event_on, i.incident_date) as opened_on,
    coalesce(sc.suspects, 0) as suspects,
    coalesce(sc.suspects_f, 0) as suspects_f,
    coalesce(sc.suspects_m, 0) as suspects_m,
    coalesce(sc.suspects_unknown, 0) as suspects_unknown,
    i.synthetic,
    s.first_event_on,
    s.last_event_on,
    s.current_stage,
    s.notified_on,
    s.investigation_opened_on,
    s.suspect_identified_on,
    s.arrest_on,
    s.detention_on,
    s.charges_on,
    s.trial_opened_on,
    s.convicted_on,
    s.convicted_in_absentia_on,
    s.acquitted_on,
    s.sentence_on,
    s.appeal_on,
    s.closed_without_prosecution_on,
    s.prosecuted_on,
    s.judgment_on,
    s.first_conviction_on,
    s.suspects_identified_on,
    coalesce(s.persons_arrested, 0) as persons_arrested,
    coalesce(s.persons_convicted, 0) as persons_convicted,
    coalesce(s.persons_convicted_present, 0) as persons_convicted_present,
    coalesce(s.persons_convicted_in_absentia, 0) as persons_convicted_in_absentia,
    coalesce(s.persons_acquitted, 0) as persons_acquitted,
    coalesce(s.outcome, 'pending') as outcome
from cases as c
join fact_incidents as i on i.incident_id = c.incident_id
left join case_stages as s on s.case_id = c.case_id
left join case_suspects as sc on sc.case_id = c.case_id;

-- fact_cases as it stood on `as_of`: cases opened on or before it (first event, or incident
-- if none), with the stage history of events dated on or before it. Same columns as
-- fact_cases (opened_on is the all-time opening date). Only cases with a later event are
-- recomputed; the others are taken as they are.
create or replace macro fact_cases_as_of(as_of) as table
select * from fact_cases as f
where f.opened_on <= as_of and coalesce(f.last_event_on, f.opened_on) <= as_of
union all by name
select
    f.* exclude (
        first_event_on, last_event_on, current_stage, notified_on, investigation_opened_on,
        suspect_identified_on, arrest_on, detention_on, charges_on, trial_opened_on,
        convicted_on, convicted_in_absentia_on, acquitted_on, sentence_on, appeal_on,
        closed_without_prosecution_on, prosecuted_on, judgment_on, first_conviction_on,
        suspects_identified_on, persons_arrested, persons_convicted, persons_convicted_present,
        persons_convicted_in_absentia, persons_acquitted, outcome
    ),
    s.first_event_on,
    s.last_event_on,
    s.current_stage,
    s.notified_on,
    s.investigation_opened_on,
    s.suspect_identified_on,
    s.arrest_on,
    s.detention_on,
    s.charges_on,
    s.trial_opened_on,
    s.convicted_on,
    s.convicted_in_absentia_on,
    s.acquitted_on,
    s.sentence_on,
    s.appeal_on,
    s.closed_without_prosecution_on,
    s.prosecuted_on,
    s.judgment_on,
    s.first_conviction_on,
    s.suspects_identified_on,
    coalesce(s.persons_arrested, 0) as persons_arrested,
    coalesce(s.persons_convicted, 0) as persons_convicted,
    coalesce(s.persons_convicted_present, 0) as persons_convicted_present,
    coalesce(s.persons_convicted_in_absentia, 0) as persons_convicted_in_absentia,
    coalesce(s.persons_acquitted, 0) as persons_acquitted,
    coalesce(s.outcome, 'pending') as outcome
from fact_cases as f
left join case_stages_as_of(as_of, changed_only := true) as s on s.case_id = f.case_id
where f.opened_on <= as_of and f.last_event_on > as_of;

-- ---------------------------------------------------------------- fact_persons (view)
-- Grain: one row per person: register record (every snapshot) or case-tracking victim.
-- A view: read only for periods that do not align with months or past as-of dates; headline
-- numbers read rollup_persons. Register rows: outcome 'killed', verified true, act_type null,
-- host_state = the mission's primary host (null for headquarters). Tracking rows: victims,
-- snapshot_date null, incident_type 'Malicious Act' (case tracking records malicious acts); a
-- victim recorded as 'released' counts as abducted after an abduction, else as detained.
create or replace view fact_persons as
select
    'register' as source,
    r.snapshot_date,
    r.mission_code,
    m.primary_host as host_state,
    coalesce(m.kind = 'pko', false) as is_pko,
    r.incident_date,
    year(r.incident_date) as year,
    cast(date_trunc('month', r.incident_date) as date) as month,
    r.incident_type,
    cast(null as varchar) as act_type,
    coalesce(r.nationality_iso3, 'unknown') as nationality,
    trim(r.personnel_type) as personnel_type,
    case when r.gender in ('F', 'M') then r.gender else 'unknown' end as gender,
    'killed' as outcome,
    true as verified
from register_records as r
left join ref_missions as m on m.mission_code = r.mission_code
union all
select
    'tracking' as source,
    cast(null as date) as snapshot_date,
    i.mission_code,
    i.host_state,
    i.is_pko,
    i.incident_date,
    i.year,
    i.month,
    'Malicious Act' as incident_type,
    i.act_type,
    v.nationality,
    trim(v.personnel_category) as personnel_type,
    case when v.gender in ('F', 'M') then v.gender else 'unknown' end as gender,
    case
        when v.outcome = 'released' and i.act_type = 'abduction' then 'abducted'
        when v.outcome = 'released' then 'detained'
        else v.outcome
    end as outcome,
    i.verified
from victims as v
join fact_incidents as i on i.incident_id = v.incident_id;

-- ---------------------------------------------------------------- rollup_persons
-- Grain: source (register | tracking) x snapshot_date x mission_code x host_state x is_pko x
-- year x month x incident_type x act_type x nationality x personnel_type x gender x outcome x
-- verified, with `persons` (fact_persons counted at month grain).
create or replace table rollup_persons as
select
    source, snapshot_date, mission_code, host_state, is_pko, year, month, incident_type,
    act_type, nationality, personnel_type, gender, outcome, verified,
    count(*) as persons
from fact_persons
group by all;

-- ---------------------------------------------------------------- rollup_persons_mission
-- Grain: source x snapshot_date x mission_code x host_state x is_pko x year x month x
-- incident_type x act_type x verified, with persons by outcome as columns (killed from the
-- register; injured, detained, abducted, killed_tracked from case tracking) and women /
-- unknown gender among them. The headline rollup: rollup_persons without nationality,
-- personnel type and gender (a few percent of its rows), read when none of those is
-- filtered or grouped on.
create or replace table rollup_persons_mission as
select
    source, snapshot_date, mission_code, host_state, is_pko, year, month, incident_type,
    act_type, verified,
    cast(coalesce(sum(persons) filter (where source = 'register'), 0) as bigint) as killed,
    cast(coalesce(sum(persons) filter (where source = 'register' and gender = 'F'), 0) as bigint) as killed_f,
    cast(coalesce(sum(persons) filter (where source = 'register' and gender = 'unknown'), 0) as bigint) as killed_unknown,
    cast(coalesce(sum(persons) filter (where source = 'tracking' and outcome = 'injured'), 0) as bigint) as injured,
    cast(coalesce(sum(persons) filter (where source = 'tracking' and outcome = 'detained'), 0) as bigint) as detained,
    cast(coalesce(sum(persons) filter (where source = 'tracking' and outcome = 'abducted'), 0) as bigint) as abducted,
    cast(coalesce(sum(persons) filter (where source = 'tracking' and outcome = 'killed'), 0) as bigint) as killed_tracked,
    cast(coalesce(sum(persons) filter (where source = 'tracking' and outcome <> 'killed' and gender = 'F'), 0) as bigint) as harmed_f,
    cast(coalesce(sum(persons) filter (where source = 'tracking' and outcome <> 'killed' and gender = 'unknown'), 0) as bigint) as harmed_unknown
from rollup_persons
group by all;

-- ---------------------------------------------------------------- fact_notifications
-- Grain: one row per notification (para 8), with the incident's attributes for filters and
-- scope, the delay from the incident, the days to an answer, and whether it is the first
-- notification of the incident to that State.
create or replace table fact_notifications as
select
    n.notification_id,
    n.incident_id,
    n.recipient_state,
    n.channel,
    n.sent_at,
    n.answer_received_on,
    date_diff('minute', i.occurred_at, n.sent_at) / 60.0 as delay_hours,
    date_diff('day', cast(n.sent_at as date), n.answer_received_on) as answer_days,
    n.first_to_state,
    i.incident_date,
    i.year,
    i.month,
    i.mission_code,
    i.host_state,
    i.is_pko,
    i.act_type,
    i.verified,
    i.uniformed_nationalities,
    i.civilian_nationalities,
    i.nationalities,
    i.personnel_types,
    i.genders
from (
    select
        *,
        -- the first notification of the incident to the State: earliest, then lowest id
        rank() over (
            partition by incident_id, recipient_state order by sent_at, notification_id
        ) = 1 as first_to_state
    from notifications
) as n
join fact_incidents as i on i.incident_id = n.incident_id;

-- ---------------------------------------------------------------- rollup_incidents
-- Grain: mission_code x host_state x is_pko x year x month x act_type x verified, with incident
-- counts, persons harmed and notification timing (para 8). Headline incident numbers read this.
create or replace table rollup_incidents as
select
    mission_code,
    host_state,
    is_pko,
    year,
    month,
    act_type,
    verified,
    count(*) as incidents,
    cast(sum(killed) as bigint) as killed_tracked,
    cast(sum(injured) as bigint) as injured,
    cast(sum(detained) as bigint) as detained,
    cast(sum(abducted) as bigint) as abducted,
    cast(sum(victims) as bigint) as victims,
    cast(sum(victims_f) as bigint) as victims_f,
    cast(sum(victims_m) as bigint) as victims_m,
    cast(sum(victims_unknown) as bigint) as victims_unknown,
    count(*) filter (where first_notified_at is not null) as notified,
    count(*) filter (where notification_delay_hours <= 24) as notified_24h,
    count(*) filter (where notification_delay_hours <= 72) as notified_72h,
    count(*) filter (where n_cases > 0) as with_case
from fact_incidents
group by all;

-- ---------------------------------------------------------------- rollup_cases
-- Grain: mission_code x host_state x is_pko x year x month x act_type x verified, with case
-- counts by stage reached, persons and outcome (as of the end of the data).
create or replace table rollup_cases as
select
    mission_code,
    host_state,
    is_pko,
    year,
    month,
    act_type,
    verified,
    count(*) as cases,
    count(*) filter (where investigation_opened_on is not null) as investigated,
    count(*) filter (where suspects_identified_on is not null) as suspects_identified,
    count(*) filter (where arrest_on is not null) as arrested_cases,
    count(*) filter (where prosecuted_on is not null) as prosecuted,
    count(*) filter (where judgment_on is not null) as judged,
    count(*) filter (where first_conviction_on is not null) as convicted_cases,
    count(*) filter (where closed_without_prosecution_on is not null) as closed_without_prosecution,
    cast(sum(persons_arrested) as bigint) as persons_arrested,
    cast(sum(persons_convicted) as bigint) as persons_convicted,
    cast(sum(persons_acquitted) as bigint) as persons_acquitted,
    cast(sum(suspects) as bigint) as suspects,
    count(*) filter (where outcome = 'full_justice') as full_justice,
    count(*) filter (where outcome = 'partial_justice') as partial_justice,
    count(*) filter (where outcome = 'impunity') as impunity,
    count(*) filter (where outcome = 'pending') as pending,
    -- completeness: no event at all; arrest, prosecution or judgment without an investigation
    -- date; judgment without charges or trial date
    count(*) filter (where first_event_on is null
        or (investigation_opened_on is null
            and coalesce(arrest_on, prosecuted_on, judgment_on) is not null)
        or (judgment_on is not null and charges_on is null and trial_opened_on is null)
    ) as missing_stage_dates
from fact_cases
group by all;

-- ---------------------------------------------------------------- rollup_kpis
-- Grain: snapshot_date (register rows; null for case tracking) x mission_code x host_state x
-- is_pko x year x month x incident_type x verified, with every headline count: persons
-- (rollup_persons_mission), incidents (rollup_incidents) and cases (rollup_cases) side by
-- side, so the headline KPIs are one scan of one small table. No act type: selections by act
-- type read the three rollups it is made of.
create or replace table rollup_kpis as
with parts as (
    select
        snapshot_date, mission_code, host_state, is_pko, year, month, incident_type, verified,
        killed, killed_f, killed_unknown, injured, detained, abducted, killed_tracked,
        harmed_f, harmed_unknown
    from rollup_persons_mission
    union all by name
    select
        cast(null as date) as snapshot_date, mission_code, host_state, is_pko, year, month,
        'Malicious Act' as incident_type, verified, incidents, notified, notified_24h,
        notified_72h
    from rollup_incidents
    union all by name
    select
        cast(null as date) as snapshot_date, mission_code, host_state, is_pko, year, month,
        'Malicious Act' as incident_type, verified, cases, investigated,
        suspects_identified, arrested_cases, prosecuted, judged, convicted_cases,
        closed_without_prosecution, persons_arrested, persons_convicted, persons_acquitted,
        suspects, full_justice, partial_justice, impunity, pending
    from rollup_cases
)
-- every count summed per key (null when no part has it: 0), as bigint; any_count, the
-- row's largest count, tells without reading every count whether a group holds anything
select *, greatest(*columns(* exclude (
    snapshot_date, mission_code, host_state, is_pko, year, month, incident_type, verified
))) as any_count
from (
    select
        snapshot_date, mission_code, host_state, is_pko, year, month, incident_type, verified,
        cast(coalesce(sum(columns(* exclude (
            snapshot_date, mission_code, host_state, is_pko, year, month, incident_type, verified
        ))), 0) as bigint)
    from parts
    group by all
);

-- ---------------------------------------------------------------- rollup_kpis_facets
-- Grain: facet x value x listed x the grain of rollup_kpis (snapshot_date x mission_code x
-- host_state x is_pko x year x month x incident_type x verified), with the columns of
-- rollup_kpis. A facet is one victim attribute held as a list at incident grain:
--   nationality, personnel_type, gender: persons with that value; incidents and cases whose
--     list holds it (an incident is in every group of its victims), an empty list as
--     value 'unknown' with listed = false (group-bys count it, filters do not);
--   uniformed / civilian: persons of that nationality in a uniformed / civilian personnel
--     category (access.scope.UNIFORMED / CIVILIAN), incidents and cases whose
--     uniformed_nationalities / civilian_nationalities hold it (a contributing State's or a
--     State of nationality's scope).
-- So a selection with exactly one such condition (one value filtered, one dimension grouped
-- on, or a single-State contributor or nationality scope) reads summed rows, not the facts.
-- One row per (facet, value) of an incident or case fact table's victim lists, with the
-- fact row beside it: nationality, personnel_type and gender (an empty list as value 'unknown',
-- listed = false), uniformed and civilian nationality (listed values only).
create or replace macro r2589_list_facets(facts) as table
    select 'nationality' as facet, unnest(f.nationalities) as value, true as listed, f.*
    from query_table(facts) as f where len(f.nationalities) > 0
    union all
    select 'nationality' as facet, 'unknown' as value, false as listed, f.*
    from query_table(facts) as f where len(f.nationalities) = 0
    union all
    select 'personnel_type' as facet, unnest(f.personnel_types) as value, true as listed, f.*
    from query_table(facts) as f where len(f.personnel_types) > 0
    union all
    select 'personnel_type' as facet, 'unknown' as value, false as listed, f.*
    from query_table(facts) as f where len(f.personnel_types) = 0
    union all
    select 'gender' as facet, unnest(f.genders) as value, true as listed, f.*
    from query_table(facts) as f where len(f.genders) > 0
    union all
    select 'gender' as facet, 'unknown' as value, false as listed, f.*
    from query_table(facts) as f where len(f.genders) = 0
    union all
    select 'uniformed' as facet, unnest(f.uniformed_nationalities) as value, true as listed, f.*
    from query_table(facts) as f where len(f.uniformed_nationalities) > 0
    union all
    select 'civilian' as facet, unnest(f.civilian_nationalities) as value, true as listed, f.*
    from query_table(facts) as f where len(f.civilian_nationalities) > 0;

create or replace table rollup_kpis_facets as
with
person_measures as (
    -- the formulas of rollup_persons_mission, per row of rollup_persons
    select
        snapshot_date, mission_code, host_state, is_pko, year, month, incident_type, verified,
        nationality, personnel_type, gender,
        case when source = 'register' then persons end as killed,
        case when source = 'register' and gender = 'F' then persons end as killed_f,
        case when source = 'register' and gender = 'unknown' then persons end as killed_unknown,
        case when source = 'tracking' and outcome = 'injured' then persons end as injured,
        case when source = 'tracking' and outcome = 'detained' then persons end as detained,
        case when source = 'tracking' and outcome = 'abducted' then persons end as abducted,
        case when source = 'tracking' and outcome = 'killed' then persons end as killed_tracked,
        case when source = 'tracking' and outcome <> 'killed' and gender = 'F' then persons end as harmed_f,
        case when source = 'tracking' and outcome <> 'killed' and gender = 'unknown' then persons end as harmed_unknown
    from rollup_persons
),
person_facets as (
    select 'nationality' as facet, p.nationality as value, p.* from person_measures as p
    union all
    select 'personnel_type' as facet, p.personnel_type as value, p.* from person_measures as p
    union all
    select 'gender' as facet, p.gender as value, p.* from person_measures as p
    union all
    select 'uniformed' as facet, p.nationality as value, p.* from person_measures as p
    where p.personnel_type in ('Military', 'Police', 'Military Observer')
    union all
    select 'civilian' as facet, p.nationality as value, p.* from person_measures as p
    where p.personnel_type in ('International Civilian', 'Local', 'Other')
),
persons as (
    -- person_measures summed per facet value
    select
        facet, value, true as listed, snapshot_date, mission_code, host_state, is_pko, year,
        month, incident_type, verified,
        sum(killed) as killed,
        sum(killed_f) as killed_f,
        sum(killed_unknown) as killed_unknown,
        sum(injured) as injured,
        sum(detained) as detained,
        sum(abducted) as abducted,
        sum(killed_tracked) as killed_tracked,
        sum(harmed_f) as harmed_f,
        sum(harmed_unknown) as harmed_unknown
    from person_facets
    group by all
),
incident_facets as (select * from r2589_list_facets('fact_incidents')),
incidents as (
    -- the formulas of rollup_incidents
    select
        facet, value, listed, mission_code, host_state, is_pko, year, month, verified,
        count(*) as incidents,
        count(*) filter (where first_notified_at is not null) as notified,
        count(*) filter (where notification_delay_hours <= 24) as notified_24h,
        count(*) filter (where notification_delay_hours <= 72) as notified_72h
    from incident_facets
    group by all
),
case_facets as (select * from r2589_list_facets('fact_cases')),
cases as (
    -- the formulas of rollup_cases
    select
        facet, value, listed, mission_code, host_state, is_pko, year, month, verified,
        count(*) as cases,
        count(*) filter (where investigation_opened_on is not null) as investigated,
        count(*) filter (where suspects_identified_on is not null) as suspects_identified,
        count(*) filter (where arrest_on is not null) as arrested_cases,
        count(*) filter (where prosecuted_on is not null) as prosecuted,
        count(*) filter (where judgment_on is not null) as judged,
        count(*) filter (where first_conviction_on is not null) as convicted_cases,
        count(*) filter (where closed_without_prosecution_on is not null) as closed_without_prosecution,
        sum(persons_arrested) as persons_arrested,
        sum(persons_convicted) as persons_convicted,
        sum(persons_acquitted) as persons_acquitted,
        sum(suspects) as suspects,
        count(*) filter (where outcome = 'full_justice') as full_justice,
        count(*) filter (where outcome = 'partial_justice') as partial_justice,
        count(*) filter (where outcome = 'impunity') as impunity,
        count(*) filter (where outcome = 'pending') as pending
    from case_facets
    group by all
),
incident_cases as (
    -- incidents and cases side by side: each holds one row per key, so a full join (keys equal
    -- or null together) gives the rows a union summed by key would, without a wide aggregate
    select
        coalesce(i.facet, c.facet) as facet,
        coalesce(i.value, c.value) as value,
        coalesce(i.listed, c.listed) as listed,
        coalesce(i.mission_code, c.mission_code) as mission_code,
        coalesce(i.host_state, c.host_state) as host_state,
        coalesce(i.is_pko, c.is_pko) as is_pko,
        coalesce(i.year, c.year) as year,
        coalesce(i.month, c.month) as month,
        coalesce(i.verified, c.verified) as verified,
        i.* exclude (facet, value, listed, mission_code, host_state, is_pko, year, month, verified),
        c.* exclude (facet, value, listed, mission_code, host_state, is_pko, year, month, verified)
    from incidents as i
    full join cases as c
        on c.facet is not distinct from i.facet and c.value is not distinct from i.value
        and c.listed is not distinct from i.listed
        and c.mission_code is not distinct from i.mission_code
        and c.host_state is not distinct from i.host_state and c.is_pko is not distinct from i.is_pko
        and c.year is not distinct from i.year and c.month is not distinct from i.month
        and c.verified is not distinct from i.verified
)
-- persons beside incidents and cases (the latter have no snapshot and incident type
-- 'Malicious Act'), joined as above; any_count, the row's largest count, as in rollup_kpis
select *, greatest(*columns(* exclude (
    facet, value, listed, snapshot_date, mission_code, host_state, is_pko, year, month,
    incident_type, verified
))) as any_count
from (
    select
        coalesce(p.facet, ic.facet) as facet,
        coalesce(p.value, ic.value) as value,
        coalesce(p.listed, ic.listed) as listed,
        p.snapshot_date,
        coalesce(p.mission_code, ic.mission_code) as mission_code,
        coalesce(p.host_state, ic.host_state) as host_state,
        coalesce(p.is_pko, ic.is_pko) as is_pko,
        coalesce(p.year, ic.year) as year,
        coalesce(p.month, ic.month) as month,
        if(p.facet is null, 'Malicious Act', p.incident_type) as incident_type,
        coalesce(p.verified, ic.verified) as verified,
        -- every count as bigint, 0 where a side has no row (as in rollup_nationality_sets)
        cast(coalesce(columns(p.* exclude (
            facet, value, listed, snapshot_date, mission_code, host_state, is_pko, year, month,
            incident_type, verified
        )), 0) as bigint),
        cast(coalesce(columns(ic.* exclude (
            facet, value, listed, mission_code, host_state, is_pko, year, month, verified
        )), 0) as bigint)
    from persons as p
    full join incident_cases as ic
        on ic.facet is not distinct from p.facet and ic.value is not distinct from p.value
        and ic.listed is not distinct from p.listed and p.snapshot_date is null
        and ic.mission_code is not distinct from p.mission_code
        and ic.host_state is not distinct from p.host_state and ic.is_pko is not distinct from p.is_pko
        and ic.year is not distinct from p.year and ic.month is not distinct from p.month
        and p.incident_type = 'Malicious Act' and ic.verified is not distinct from p.verified
)
-- one facet and value is read at a time: stored in that order, most row groups are skipped
order by facet, value;

-- ---------------------------------------------------------------- rollup_nationality_sets
-- Grain: nationality x nationalities x mission_code x host_state x is_pko x year x month x
-- verified, with the incident and case columns of rollup_kpis, for the incidents (and their
-- cases) whose sorted list of victim nationalities is `nationalities`: one row per value
-- `nationality` of that list (incidents with no victim nationality are left out).
-- A filter on several nationalities counts an incident once, under the smallest selected value
-- its list holds: for each selected value, the rows of lists that hold no smaller selected
-- value (summing rollup_kpis_facets over the values would count an incident with victims of
-- two selected nationalities twice; persons, one nationality each, do sum). Stored by
-- nationality, so only the selected values' rows are read.
create or replace table rollup_nationality_sets as
with
incidents as (
    -- the formulas of rollup_incidents
    select
        nationalities, mission_code, host_state, is_pko, year, month, verified,
        count(*) as incidents,
        count(*) filter (where first_notified_at is not null) as notified,
        count(*) filter (where notification_delay_hours <= 24) as notified_24h,
        count(*) filter (where notification_delay_hours <= 72) as notified_72h
    from fact_incidents
    where len(nationalities) > 0
    group by all
),
cases as (
    -- the formulas of rollup_cases
    select
        nationalities, mission_code, host_state, is_pko, year, month, verified,
        count(*) as cases,
        count(*) filter (where investigation_opened_on is not null) as investigated,
        count(*) filter (where suspects_identified_on is not null) as suspects_identified,
        count(*) filter (where arrest_on is not null) as arrested_cases,
        count(*) filter (where prosecuted_on is not null) as prosecuted,
        count(*) filter (where judgment_on is not null) as judged,
        count(*) filter (where first_conviction_on is not null) as convicted_cases,
        count(*) filter (where closed_without_prosecution_on is not null) as closed_without_prosecution,
        sum(persons_arrested) as persons_arrested,
        sum(persons_convicted) as persons_convicted,
        sum(persons_acquitted) as persons_acquitted,
        sum(suspects) as suspects,
        count(*) filter (where outcome = 'full_justice') as full_justice,
        count(*) filter (where outcome = 'partial_justice') as partial_justice,
        count(*) filter (where outcome = 'impunity') as impunity,
        count(*) filter (where outcome = 'pending') as pending
    from fact_cases
    where len(nationalities) > 0
    group by all
),
sets as (
    -- incidents and cases side by side, every count as bigint (0 where a side has no row):
    -- each holds one row per set and key, so a full join (keys equal or null together) gives
    -- the rows a union summed by key would, without a wide aggregate (as in
    -- rollup_kpis_facets; a fifth less CPU for this table at 1M cases)
    select
        coalesce(i.nationalities, c.nationalities) as nationalities,
        coalesce(i.mission_code, c.mission_code) as mission_code,
        coalesce(i.host_state, c.host_state) as host_state,
        coalesce(i.is_pko, c.is_pko) as is_pko,
        coalesce(i.year, c.year) as year,
        coalesce(i.month, c.month) as month,
        coalesce(i.verified, c.verified) as verified,
        cast(coalesce(columns(i.* exclude (
            nationalities, mission_code, host_state, is_pko, year, month, verified
        )), 0) as bigint),
        cast(coalesce(columns(c.* exclude (
            nationalities, mission_code, host_state, is_pko, year, month, verified
        )), 0) as bigint)
    from incidents as i
    full join cases as c
        on c.nationalities is not distinct from i.nationalities
        and c.mission_code is not distinct from i.mission_code
        and c.host_state is not distinct from i.host_state
        and c.is_pko is not distinct from i.is_pko
        and c.year is not distinct from i.year
        and c.month is not distinct from i.month
        and c.verified is not distinct from i.verified
)
-- any_count: the row's largest count, as in rollup_kpis
select
    unnest(s.nationalities) as nationality, s.*,
    greatest(*columns(s.* exclude (
        nationalities, mission_code, host_state, is_pko, year, month, verified
    ))) as any_count
from sets as s
order by nationality;

-- ---------------------------------------------------------------- notification rollups (para 8)
-- notifications_by_state without the facts: counts per State from rollup_notifications, and
-- the two medians (delay of a first notification to the State, days to an answer) exact in
-- two steps. Each State's values of each measure, in order, are cut into 16 bins by rank
-- (every value of a bin is < every value of the next): narrow around the State's median,
-- wider towards the ends (r2589_rank_bin). rollup_notifications counts the values of each
-- bin per group, so the selected counts give the bin holding each middle rank and the rank
-- within it; rollup_notification_values holds the values, stored bin first, so that only the
-- rows of those bins are read.
-- Bin of the value of rank r (1..n) of a State: by its distance from the middle,
-- d = |2r - 1 - n| (0 or 1 for the middle values), counted in steps: the k-th step is reached
-- at d >= max(2n x (10, 20, 40, 70, 120, 200, 300 per mille), (64, 128, ..., 4096)); bins
-- 8 - k below the middle, 9 + k from it. So the middle values of a State and of most
-- selections fall in bins 8 and 9 (1 % of the State's values each, or every value of a
-- State with few), and the bins widen towards the ends.
create or replace macro r2589_rank_steps(d, n) as
        cast(d >= greatest(2 * n * 10 // 1000, 64) as integer)
        + cast(d >= greatest(2 * n * 20 // 1000, 128) as integer)
        + cast(d >= greatest(2 * n * 40 // 1000, 256) as integer)
        + cast(d >= greatest(2 * n * 70 // 1000, 512) as integer)
        + cast(d >= greatest(2 * n * 120 // 1000, 1024) as integer)
        + cast(d >= greatest(2 * n * 200 // 1000, 2048) as integer)
        + cast(d >= greatest(2 * n * 300 // 1000, 4096) as integer);

create or replace macro r2589_rank_bin(r, n) as
    case
        when 2 * r - 1 - n < 0 then 8 - r2589_rank_steps(n + 1 - 2 * r, n)
        else 9 + r2589_rank_steps(2 * r - 1 - n, n)
    end;

-- One row per value whose median is published: the delay of a first notification to the
-- State (delay_hours), the days to an answer of an answered one (answer_days); notifications
-- sent before 9999-12-31 (the metrics' bound when there is no as-of date), answered = answer
-- received before it. A view: rollup_notification_values reads it once, joined to the bins.
create or replace temp view notification_values as
select
    'delay_hours' as measure, recipient_state, delay_hours as value,
    mission_code, host_state, is_pko, year, month, verified
from fact_notifications
where sent_at < date '9999-12-31' and first_to_state and delay_hours is not null
union all
select
    'answer_days' as measure, recipient_state, answer_days as value,
    mission_code, host_state, is_pko, year, month, verified
from fact_notifications
where sent_at < date '9999-12-31' and answer_received_on < date '9999-12-31'
    and answer_days is not null;

-- One row per measure x recipient_state x value of notification_values, with the value's bin
-- among the State's values of that measure: the bin of the first rank the value holds (equal
-- values share a bin; ranked on the distinct values, which is far cheaper than a window over
-- every row). Computed once: rollup_notifications and rollup_notification_values join it.
create or replace temp table notification_value_bins as
select
    measure, recipient_state, value,
    r2589_rank_bin(
        sum(count(*)) over (partition by measure, recipient_state order by value)
            - count(*) + 1,
        sum(count(*)) over (partition by measure, recipient_state)
    ) as bin
from notification_values
group by measure, recipient_state, value;

-- Grain: recipient_state x mission_code x host_state x is_pko x year x month x verified (no
-- act type: a quarter of the rows; selections by act type read the facts): notifications,
-- answered, incidents_notified (first notification of an incident to the State),
-- notified_24h (of those, sent within 24 hours), and per bin the first notifications whose
-- delay (delay_bin_NN) and the answered ones whose days to an answer (answer_bin_NN) fall in
-- that bin of the State.
create or replace table rollup_notifications as
select
    n.recipient_state, n.mission_code, n.host_state, n.is_pko, n.year, n.month, n.verified,
    count(*) as notifications,
    cast(coalesce(count_if(n.answer_received_on < date '9999-12-31'), 0) as bigint) as answered,
    cast(coalesce(count_if(n.first_to_state), 0) as bigint) as incidents_notified,
    cast(coalesce(count_if(n.first_to_state and n.delay_hours <= 24), 0) as bigint) as notified_24h,
    cast(coalesce(count_if(d.bin = 1), 0) as bigint) as delay_bin_01,
    cast(coalesce(count_if(d.bin = 2), 0) as bigint) as delay_bin_02,
    cast(coalesce(count_if(d.bin = 3), 0) as bigint) as delay_bin_03,
    cast(coalesce(count_if(d.bin = 4), 0) as bigint) as delay_bin_04,
    cast(coalesce(count_if(d.bin = 5), 0) as bigint) as delay_bin_05,
    cast(coalesce(count_if(d.bin = 6), 0) as bigint) as delay_bin_06,
    cast(coalesce(count_if(d.bin = 7), 0) as bigint) as delay_bin_07,
    cast(coalesce(count_if(d.bin = 8), 0) as bigint) as delay_bin_08,
    cast(coalesce(count_if(d.bin = 9), 0) as bigint) as delay_bin_09,
    cast(coalesce(count_if(d.bin = 10), 0) as bigint) as delay_bin_10,
    cast(coalesce(count_if(d.bin = 11), 0) as bigint) as delay_bin_11,
    cast(coalesce(count_if(d.bin = 12), 0) as bigint) as delay_bin_12,
    cast(coalesce(count_if(d.bin = 13), 0) as bigint) as delay_bin_13,
    cast(coalesce(count_if(d.bin = 14), 0) as bigint) as delay_bin_14,
    cast(coalesce(count_if(d.bin = 15), 0) as bigint) as delay_bin_15,
    cast(coalesce(count_if(d.bin = 16), 0) as bigint) as delay_bin_16,
    cast(coalesce(count_if(a.bin = 1), 0) as bigint) as answer_bin_01,
    cast(coalesce(count_if(a.bin = 2), 0) as bigint) as answer_bin_02,
    cast(coalesce(count_if(a.bin = 3), 0) as bigint) as answer_bin_03,
    cast(coalesce(count_if(a.bin = 4), 0) as bigint) as answer_bin_04,
    cast(coalesce(count_if(a.bin = 5), 0) as bigint) as answer_bin_05,
    cast(coalesce(count_if(a.bin = 6), 0) as bigint) as answer_bin_06,
    cast(coalesce(count_if(a.bin = 7), 0) as bigint) as answer_bin_07,
    cast(coalesce(count_if(a.bin = 8), 0) as bigint) as answer_bin_08,
    cast(coalesce(count_if(a.bin = 9), 0) as bigint) as answer_bin_09,
    cast(coalesce(count_if(a.bin = 10), 0) as bigint) as answer_bin_10,
    cast(coalesce(count_if(a.bin = 11), 0) as bigint) as answer_bin_11,
    cast(coalesce(count_if(a.bin = 12), 0) as bigint) as answer_bin_12,
    cast(coalesce(count_if(a.bin = 13), 0) as bigint) as answer_bin_13,
    cast(coalesce(count_if(a.bin = 14), 0) as bigint) as answer_bin_14,
    cast(coalesce(count_if(a.bin = 15), 0) as bigint) as answer_bin_15,
    cast(coalesce(count_if(a.bin = 16), 0) as bigint) as answer_bin_16
from fact_notifications as n
-- the bin of the notification's delay / days to an answer, where notification_values has one
left join notification_value_bins as d
    on d.measure = 'delay_hours' and n.first_to_state
    and d.recipient_state = n.recipient_state and d.value = n.delay_hours
left join notification_value_bins as a
    on a.measure = 'answer_days' and n.answer_received_on < date '9999-12-31'
    and a.recipient_state = n.recipient_state and a.value = n.answer_days
where n.sent_at < date '9999-12-31'
group by all;

-- Grain: one row per value of notification_values: bin, measure, recipient_state, value and
-- the columns the filters read (mission_code, host_state, is_pko, month, verified).
-- Stored in bin order, then by measure, State and value.
create or replace table rollup_notification_values as
select
    b.bin, v.measure, v.recipient_state, v.value,
    v.mission_code, v.host_state, v.is_pko, v.month, v.verified
from notification_values as v
join notification_value_bins as b
    on b.measure = v.measure and b.recipient_state = v.recipient_state and b.value = v.value
order by b.bin, v.measure, v.recipient_state, v.value;

drop view notification_values;

drop table notification_value_bins;

-- ---------------------------------------------------------------- rollup_map_cells
-- Grain: 1-degree cell (cell_lat = floor(lat), cell_lon = floor(lon): the south-west corner)
-- x mission_code x host_state x is_pko x year x month x act_type x verified, with incidents
-- and persons by outcome, for incidents with coordinates. The map's areas read it.
create or replace table rollup_map_cells as
select
    floor(lat) as cell_lat,
    floor(lon) as cell_lon,
    mission_code, host_state, is_pko, year, month, act_type, verified,
    count(*) as incidents,
    cast(sum(killed) as bigint) as killed,
    cast(sum(injured) as bigint) as injured,
    cast(sum(detained) as bigint) as detained,
    cast(sum(abducted) as bigint) as abducted
from fact_incidents
where lat is not null and lon is not null
group by all;

reset preserve_insertion_order;
