"""DDL of schema version 1 (migration ``0001_initial``). Frozen once released.

Conventions: every table is STRICT; ids are random UUID text; human codes
(class code, claim number) are separate unique columns; money is integer fen;
dates are ISO ``YYYY-MM-DD``; timestamps ISO-8601 UTC text; tables that users
edit carry ``created_at``, ``updated_at`` and ``device_id`` (who changed it last).

Time: every timestamp (``*_at``, ``sign_in``, ``sign_out``) is UTC ISO-8601
with a ``Z``; a session's ``date`` with ``start_time``/``end_time`` is local
(Asia/Shanghai) wall-clock time, as printed on the timetable. Faces convert
for display.

Words that look alike: ``training_class.category`` and ``catalogue_item.category``
are the Jiangsu A/B/C occupation category; ``enrolment.person_category`` is
the person's key group (失业人员, 农民工 …) fixed at filing time. The class
state ``rejected`` means the opening application was refused; claims have
their own states.

``person`` also has ``seq INTEGER PRIMARY KEY``: a stable rowid that VACUUM
cannot renumber, which the external-content FTS index and the name n-gram
table point to.
"""

from __future__ import annotations

_AUDIT = """
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device_id TEXT NOT NULL"""

# Every 1- and 2-character substring of the new name (positions from gram_position).
_INSERT_NAME_GRAMS = """INSERT OR IGNORE INTO person_name_gram(gram, seq)
            SELECT substr(new.name, p, 1), new.seq FROM gram_position
            WHERE p <= length(new.name)
            UNION
            SELECT substr(new.name, p, 2), new.seq FROM gram_position
            WHERE p < length(new.name);"""

STATEMENTS: list[str] = [
    # -- settings of this database (device id, schema facts, preferences) --
    """CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT""",
    # -- the institution (one row) --
    f"""CREATE TABLE institution (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        uscc TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('private_school','technical_school','enterprise_centre','other')),
        district TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        contact_name TEXT NOT NULL DEFAULT '',
        contact_phone TEXT NOT NULL DEFAULT '',
        licence_no TEXT NOT NULL DEFAULT '',
        bank_name TEXT NOT NULL DEFAULT '',
        bank_account TEXT NOT NULL DEFAULT '',
        is_demo INTEGER NOT NULL DEFAULT 0,{_AUDIT}
    ) STRICT""",
    # -- occupation catalogues, versioned by city and year --
    f"""CREATE TABLE catalogue (
        id TEXT PRIMARY KEY,
        city TEXT NOT NULL,
        year INTEGER NOT NULL,
        title TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        is_sample INTEGER NOT NULL DEFAULT 0,
        effective_from TEXT NOT NULL,
        effective_to TEXT,
        active INTEGER NOT NULL DEFAULT 0,{_AUDIT}
    ) STRICT""",
    f"""CREATE TABLE catalogue_item (
        id TEXT PRIMARY KEY,
        catalogue_id TEXT NOT NULL REFERENCES catalogue(id) ON DELETE CASCADE,
        item_kind TEXT NOT NULL DEFAULT 'occupation' CHECK (item_kind IN (
            'occupation','special_ability','training','entrepreneurship','pre_job')),
        occupation_code TEXT NOT NULL DEFAULT '',
        occupation_name TEXT NOT NULL,
        work_type TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT '' CHECK (category IN ('','A','B','C')),
        category_assumed INTEGER NOT NULL DEFAULT 0,
        standard_fen INTEGER NOT NULL DEFAULT 0 CHECK (standard_fen >= 0),
        shortage INTEGER NOT NULL DEFAULT 0,
        min_hours INTEGER,{_AUDIT},
        UNIQUE (catalogue_id, item_kind, occupation_code, occupation_name, work_type, level)
    ) STRICT""",
    # -- people: real-name data keyed by ID number --
    f"""CREATE TABLE person (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        id_type TEXT NOT NULL DEFAULT 'resident',
        id_number TEXT NOT NULL UNIQUE,
        sex TEXT NOT NULL CHECK (sex IN ('M','F')),
        birth_date TEXT NOT NULL,
        phone TEXT NOT NULL DEFAULT '',
        hukou_address TEXT NOT NULL DEFAULT '',
        hukou_type TEXT NOT NULL DEFAULT '',
        education TEXT NOT NULL DEFAULT '',
        employer TEXT NOT NULL DEFAULT '',
        employer_uscc TEXT NOT NULL DEFAULT '',
        bank_name TEXT NOT NULL DEFAULT '',
        bank_account TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',{_AUDIT}
    ) STRICT""",
    f"""CREATE TABLE person_category (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        category TEXT NOT NULL,
        proof_kind TEXT NOT NULL DEFAULT '',
        proof_number TEXT NOT NULL DEFAULT '',
        attachment_id TEXT REFERENCES attachment(id),
        valid_from TEXT,
        valid_to TEXT,{_AUDIT},
        UNIQUE (person_id, category)
    ) STRICT""",
    "CREATE INDEX person_category_category ON person_category(category)",
    # -- classes and their parts --
    f"""CREATE TABLE training_class (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        training_type TEXT NOT NULL,
        occupation_code TEXT NOT NULL DEFAULT '',
        occupation_name TEXT NOT NULL DEFAULT '',
        work_type TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL DEFAULT '' CHECK (category IN ('','A','B','C')),
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        theory_hours INTEGER NOT NULL DEFAULT 0 CHECK (theory_hours >= 0),
        practice_hours INTEGER NOT NULL DEFAULT 0 CHECK (practice_hours >= 0),
        venue TEXT NOT NULL DEFAULT '',
        capacity INTEGER NOT NULL DEFAULT 0,
        teaching_plan TEXT NOT NULL DEFAULT '',
        assessment_plan TEXT NOT NULL DEFAULT '',
        fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN (
            'draft','filed','approved','in_training','completed','assessed',
            'claimed','paid','rejected','withdrawn')),
        filed_at TEXT,{_AUDIT},
        CHECK (end_date >= start_date)
    ) STRICT""",
    "CREATE INDEX training_class_state ON training_class(state, start_date)",
    "CREATE INDEX training_class_start ON training_class(start_date)",
    f"""CREATE TABLE class_teacher (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        qualification TEXT NOT NULL DEFAULT '',
        certificate_no TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT 'theory',{_AUDIT}
    ) STRICT""",
    "CREATE INDEX class_teacher_class ON class_teacher(class_id)",
    """CREATE TABLE class_transition (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        at TEXT NOT NULL,
        user_id TEXT,
        reason TEXT NOT NULL DEFAULT '',
        device_id TEXT NOT NULL
    ) STRICT""",
    "CREATE INDEX class_transition_class ON class_transition(class_id, at)",
    """CREATE TABLE roster_snapshot (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        taken_at TEXT NOT NULL,
        data_json TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        device_id TEXT NOT NULL
    ) STRICT""",
    f"""CREATE TABLE enrolment (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        person_id TEXT NOT NULL REFERENCES person(id),
        person_category TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled','withdrawn')),
        withdrawn_on TEXT,
        result TEXT CHECK (result IN ('pass','fail','absent')),
        theory_score REAL,
        practice_score REAL,{_AUDIT},
        UNIQUE (class_id, person_id)
    ) STRICT""",
    "CREATE INDEX enrolment_person ON enrolment(person_id)",
    f"""CREATE TABLE session (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        seq_no INTEGER NOT NULL,
        date TEXT NOT NULL,
        start_time TEXT NOT NULL,
        end_time TEXT NOT NULL,
        periods INTEGER NOT NULL CHECK (periods > 0),
        kind TEXT NOT NULL DEFAULT 'theory' CHECK (kind IN ('theory','practice')),
        topic TEXT NOT NULL DEFAULT '',
        teacher TEXT NOT NULL DEFAULT '',{_AUDIT},
        UNIQUE (class_id, seq_no)
    ) STRICT""",
    f"""CREATE TABLE attendance (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        enrolment_id TEXT NOT NULL REFERENCES enrolment(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('present','late','leave','absent')),
        sign_in TEXT,
        sign_out TEXT,
        method TEXT NOT NULL DEFAULT '' CHECK (method IN ('','paper','id_card','face')),{_AUDIT},
        UNIQUE (session_id, enrolment_id)
    ) STRICT""",
    "CREATE INDEX attendance_enrolment ON attendance(enrolment_id)",
    f"""CREATE TABLE inspection (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        inspector TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('on_site','phone','video')),
        findings TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL DEFAULT '',{_AUDIT}
    ) STRICT""",
    "CREATE INDEX inspection_class ON inspection(class_id)",
    f"""CREATE TABLE certificate (
        id TEXT PRIMARY KEY,
        enrolment_id TEXT NOT NULL REFERENCES enrolment(id) ON DELETE CASCADE,
        cert_type TEXT NOT NULL CHECK (cert_type IN (
            'qualification','skill_level','special_ability','training','entrepreneurship')),
        cert_number TEXT NOT NULL UNIQUE,
        level TEXT NOT NULL DEFAULT '',
        issue_date TEXT NOT NULL,
        issuing_body TEXT NOT NULL DEFAULT '',{_AUDIT}
    ) STRICT""",
    "CREATE INDEX certificate_enrolment ON certificate(enrolment_id)",
    f"""CREATE TABLE employment_followup (
        id TEXT PRIMARY KEY,
        enrolment_id TEXT NOT NULL REFERENCES enrolment(id) ON DELETE CASCADE,
        month_offset INTEGER NOT NULL CHECK (month_offset IN (1, 3, 6)),
        status TEXT NOT NULL CHECK (status IN (
            'employed','flexible','entrepreneur','unemployed','further_study','unreachable')),
        employer TEXT NOT NULL DEFAULT '',
        employer_uscc TEXT NOT NULL DEFAULT '',
        contract_date TEXT,
        jobs_created INTEGER NOT NULL DEFAULT 0,
        recorded_on TEXT NOT NULL,{_AUDIT},
        UNIQUE (enrolment_id, month_offset)
    ) STRICT""",
    # -- subsidies and claims --
    f"""CREATE TABLE subsidy_history (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES person(id),
        source TEXT NOT NULL CHECK (source IN ('claim','bureau_list')),
        subsidy_kind TEXT NOT NULL,
        occupation_code TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL DEFAULT '',
        training_type TEXT NOT NULL DEFAULT '',
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
        granted_on TEXT NOT NULL,{_AUDIT}
    ) STRICT""",
    "CREATE INDEX subsidy_history_person ON subsidy_history(person_id)",
    f"""CREATE TABLE claim (
        id TEXT PRIMARY KEY,
        claim_no TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        supersedes_id TEXT REFERENCES claim(id),
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN (
            'draft','signed','submitted','decided','paid','rejected','partly_approved')),
        rule_set TEXT NOT NULL DEFAULT '',
        total_fen INTEGER NOT NULL DEFAULT 0 CHECK (total_fen >= 0),
        approved_fen INTEGER,
        package_seq INTEGER,
        manifest_sha256 TEXT,
        prev_manifest_sha256 TEXT,
        signed_at TEXT,{_AUDIT},
        UNIQUE (claim_no, version)
    ) STRICT""",
    """CREATE TABLE claim_class (
        claim_id TEXT NOT NULL REFERENCES claim(id) ON DELETE CASCADE,
        class_id TEXT NOT NULL REFERENCES training_class(id),
        PRIMARY KEY (claim_id, class_id)
    ) STRICT""",
    f"""CREATE TABLE claim_line (
        id TEXT PRIMARY KEY,
        claim_id TEXT NOT NULL REFERENCES claim(id) ON DELETE CASCADE,
        enrolment_id TEXT NOT NULL REFERENCES enrolment(id),
        person_id TEXT NOT NULL REFERENCES person(id),
        category TEXT NOT NULL DEFAULT '',
        payee TEXT NOT NULL CHECK (payee IN ('institution','person')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
        decision TEXT CHECK (decision IN ('approved','adjusted','rejected')),
        approved_fen INTEGER,
        decision_reason TEXT NOT NULL DEFAULT '',{_AUDIT},
        UNIQUE (claim_id, enrolment_id)
    ) STRICT""",
    # -- attachments: content-addressed files --
    """CREATE TABLE attachment (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL CHECK (size >= 0),
        media_type TEXT NOT NULL DEFAULT 'application/octet-stream',
        original_name TEXT NOT NULL DEFAULT '',
        stored_at TEXT NOT NULL,
        device_id TEXT NOT NULL
    ) STRICT""",
    """CREATE TABLE attachment_link (
        id TEXT PRIMARY KEY,
        attachment_id TEXT NOT NULL REFERENCES attachment(id),
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        device_id TEXT NOT NULL,
        UNIQUE (attachment_id, entity, entity_id, role)
    ) STRICT""",
    "CREATE INDEX attachment_link_entity ON attachment_link(entity, entity_id)",
    # -- users --
    f"""CREATE TABLE user (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('admin','clerk','finance','readonly')),
        password_hash TEXT NOT NULL DEFAULT '',
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        active INTEGER NOT NULL DEFAULT 1,{_AUDIT}
    ) STRICT""",
    # -- the append-only log of every mutation made through the facade --
    """CREATE TABLE op_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op_id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        user_name TEXT NOT NULL DEFAULT '',
        device_id TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        before_json TEXT,
        after_json TEXT
    ) STRICT""",
    "CREATE INDEX op_log_entity ON op_log(entity, entity_id)",
    """CREATE TRIGGER op_log_no_update BEFORE UPDATE ON op_log
       BEGIN SELECT RAISE(ABORT, 'op_log is append-only'); END""",
    """CREATE TRIGGER op_log_no_delete BEFORE DELETE ON op_log
       BEGIN SELECT RAISE(ABORT, 'op_log is append-only'); END""",
    # -- people search: trigram FTS for fragments of 3+ characters --
    """CREATE VIRTUAL TABLE person_fts USING fts5(
        name, id_number, phone,
        content='person', content_rowid='seq', tokenize='trigram')""",
    """CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN
        INSERT INTO person_fts(rowid, name, id_number, phone)
        VALUES (new.seq, new.name, new.id_number, new.phone);
    END""",
    """CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, name, id_number, phone)
        VALUES ('delete', old.seq, old.name, old.id_number, old.phone);
    END""",
    """CREATE TRIGGER person_fts_au AFTER UPDATE OF name, id_number, phone ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, name, id_number, phone)
        VALUES ('delete', old.seq, old.name, old.id_number, old.phone);
        INSERT INTO person_fts(rowid, name, id_number, phone)
        VALUES (new.seq, new.name, new.id_number, new.phone);
    END""",
    # -- people search: 1- and 2-character name grams (most names are 2-3
    #    characters, below what a trigram index can match) --
    """CREATE TABLE person_name_gram (
        gram TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (gram, seq)
    ) STRICT, WITHOUT ROWID""",
    """CREATE TABLE gram_position (p INTEGER PRIMARY KEY) STRICT""",
    """INSERT INTO gram_position(p)
       VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),(16),
              (17),(18),(19),(20),(21),(22),(23),(24),(25),(26),(27),(28),(29),(30),(31),(32)""",
    f"""CREATE TRIGGER person_gram_ai AFTER INSERT ON person BEGIN
        {_INSERT_NAME_GRAMS}
    END""",
    """CREATE TRIGGER person_gram_ad AFTER DELETE ON person BEGIN
        DELETE FROM person_name_gram WHERE seq = old.seq;
    END""",
    f"""CREATE TRIGGER person_gram_au AFTER UPDATE OF name ON person BEGIN
        DELETE FROM person_name_gram WHERE seq = old.seq;
        {_INSERT_NAME_GRAMS}
    END""",
]
