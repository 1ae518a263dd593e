import HelpDeskCore
import SQLKit

/// The schema, as numbered steps applied in order and recorded in `helpdesk_migrations`. Steps are
/// written once for both dialects; the few words that differ are filled in per dialect.
enum Migrations {
    static let steps: [[String]] = [
        [
            """
            CREATE TABLE users (
                id {ID}, email TEXT NOT NULL UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
                password_hash TEXT, roles {INT} NOT NULL, service_seat {INT} NOT NULL,
                ticket_scope TEXT NOT NULL, time_zone TEXT NOT NULL, archived {INT} NOT NULL DEFAULT 0,
                created_at {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
            """
            CREATE TABLE teams (
                id {ID}, name TEXT NOT NULL UNIQUE, created_at {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
            """
            CREATE TABLE team_members (
                team_id {INT} NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                user_id {INT} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                is_primary {INT} NOT NULL DEFAULT 0, PRIMARY KEY (team_id, user_id))
            """,
            "CREATE INDEX team_members_user ON team_members (user_id)",
            """
            CREATE TABLE api_tokens (
                id {ID}, user_id {INT} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created_at {INT} NOT NULL)
            """,
            """
            CREATE TABLE object_types (
                id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL,
                archived {INT} NOT NULL DEFAULT 0, created_at {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
            """
            CREATE TABLE properties (
                object_type TEXT NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL,
                archived {INT} NOT NULL DEFAULT 0, created_at {INT} NOT NULL, updated_at {INT} NOT NULL,
                PRIMARY KEY (object_type, name))
            """,
            """
            CREATE TABLE pipelines (
                object_type TEXT NOT NULL, id TEXT NOT NULL, definition TEXT NOT NULL,
                archived {INT} NOT NULL DEFAULT 0, PRIMARY KEY (object_type, id))
            """,
            "CREATE TABLE sequences (name TEXT PRIMARY KEY, last_value {INT} NOT NULL)",
            """
            CREATE TABLE records (
                id {ID}, object_type TEXT NOT NULL, properties TEXT NOT NULL,
                owner_id TEXT, team_id TEXT, archived {INT} NOT NULL DEFAULT 0, archived_at {INT},
                created_at {INT} NOT NULL, updated_at {INT} NOT NULL, search_text TEXT NOT NULL DEFAULT '' {SEARCHCOLUMNS})
            """,
            "CREATE INDEX records_type ON records (object_type, archived, id)",
            "CREATE INDEX records_created ON records (object_type, archived, created_at)",
            "CREATE INDEX records_updated ON records (object_type, archived, updated_at)",
            "CREATE INDEX records_owner ON records (owner_id)",
            """
            CREATE TABLE record_values (
                record_id {INT} NOT NULL, name TEXT NOT NULL, object_type TEXT NOT NULL,
                text_value TEXT NOT NULL, number_value {REAL}, PRIMARY KEY (record_id, name)) {WITHOUTROWID}
            """,
            "CREATE INDEX record_values_text ON record_values (object_type, name, text_value)",
            """
            CREATE INDEX record_values_number ON record_values (object_type, name, number_value)
            WHERE number_value IS NOT NULL
            """,
            "{SEARCHINDEX}",
            "{SEARCHINSERT}",
            "{SEARCHUPDATE}",
            """
            CREATE TABLE events (
                id {ID}, record_id {INT} NOT NULL, object_type TEXT NOT NULL, kind TEXT NOT NULL,
                property TEXT, old_value TEXT, new_value TEXT, actor TEXT NOT NULL, source TEXT NOT NULL,
                occurred_at {INT} NOT NULL)
            """,
            "CREATE INDEX events_record ON events (record_id, property, id)",
            """
            CREATE TABLE associations (
                from_type TEXT NOT NULL, from_id {INT} NOT NULL, to_type TEXT NOT NULL, to_id {INT} NOT NULL,
                type_id {INT} NOT NULL, category TEXT NOT NULL, created_at {INT} NOT NULL,
                PRIMARY KEY (from_type, from_id, to_type, to_id, type_id))
            """,
        ],
        // Channels, conversations and their messages (C1-C8).
        [
            """
            CREATE TABLE channels (
                id {ID}, kind TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL, pipeline_id TEXT NOT NULL,
                creates_tickets {INT} NOT NULL, archived {INT} NOT NULL DEFAULT 0, created_at {INT} NOT NULL)
            """,
            "CREATE UNIQUE INDEX channels_address ON channels (kind, address) WHERE archived = 0",
            """
            CREATE TABLE conversations (
                id {ID}, channel_id {INT} NOT NULL, ticket_id {INT}, status TEXT NOT NULL, owner_id TEXT, contact_id {INT},
                customer_address TEXT NOT NULL, subject TEXT NOT NULL, created_at {INT} NOT NULL,
                latest_message_at {INT} NOT NULL, closed_at {INT}, trashed_at {INT})
            """,
            "CREATE INDEX conversations_ticket ON conversations (ticket_id)",
            "CREATE INDEX conversations_latest ON conversations (latest_message_at, id)",
            """
            CREATE TABLE messages (
                id {ID}, conversation_id {INT} NOT NULL, direction TEXT NOT NULL, sender_address TEXT NOT NULL,
                sender_name TEXT, to_addresses TEXT NOT NULL, cc_addresses TEXT NOT NULL, subject TEXT NOT NULL,
                text TEXT NOT NULL, html TEXT, message_id TEXT, in_reply_to TEXT, is_forward {INT} NOT NULL,
                automatic TEXT, author_id TEXT, created_at {INT} NOT NULL)
            """,
            "CREATE INDEX messages_conversation ON messages (conversation_id, id)",
            "CREATE INDEX messages_message_id ON messages (message_id)",
            """
            CREATE TABLE attachments (
                id {ID}, message_id {INT} NOT NULL, filename TEXT NOT NULL, content_type TEXT NOT NULL,
                content_id TEXT, inline {INT} NOT NULL, size {INT} NOT NULL, data {BLOB} NOT NULL)
            """,
            "CREATE INDEX attachments_message ON attachments (message_id)",
        ],
        // Outgoing mail waits here from the transaction that wrote it until a relay takes it.
        [
            """
            CREATE TABLE outbox (
                id {ID}, message_id {INT}, sender TEXT NOT NULL, recipients TEXT NOT NULL, data {BLOB} NOT NULL,
                status TEXT NOT NULL, attempts {INT} NOT NULL DEFAULT 0, next_attempt_at {INT} NOT NULL,
                claimed_until {INT}, last_error TEXT, created_at {INT} NOT NULL, sent_at {INT})
            """,
            "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
            "CREATE INDEX outbox_message ON outbox (message_id)",
        ],
        // The trash (C7) and agents' notifications (R6).
        [
            "CREATE INDEX conversations_trashed ON conversations (trashed_at) WHERE trashed_at IS NOT NULL",
            """
            CREATE TABLE notifications (
                id {ID}, user_id TEXT NOT NULL, kind TEXT NOT NULL, conversation_id {INT}, message_id {INT}, ticket_id {INT},
                actor_id TEXT, text TEXT NOT NULL, created_at {INT} NOT NULL, read_at {INT})
            """,
            "CREATE INDEX notifications_user ON notifications (user_id, id)",
        ],
        // Web forms (C2); each is also a channel, which holds its pipeline and ticket switch.
        [
            """
            CREATE TABLE forms (
                id TEXT PRIMARY KEY, channel_id {INT} NOT NULL, definition TEXT NOT NULL, archived {INT} NOT NULL DEFAULT 0,
                created_at {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
        ],
        // Channels other than email: their settings, their services' thread ids, and posts in the outbox.
        [
            "ALTER TABLE channels ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE conversations ADD COLUMN external_thread_id TEXT",
            "CREATE INDEX conversations_external ON conversations (channel_id, external_thread_id) WHERE external_thread_id IS NOT NULL",
            "CREATE INDEX conversations_customer ON conversations (channel_id, customer_address, latest_message_at)",
            "ALTER TABLE outbox ADD COLUMN transport TEXT NOT NULL DEFAULT 'SMTP'",
        ],
        // The loop guard of automatic mail: what was sent by itself, and where mail bounced.
        [
            "ALTER TABLE outbox ADD COLUMN automatic {INT} NOT NULL DEFAULT 0",
            "ALTER TABLE outbox ADD COLUMN ticket_id {INT}",
            "CREATE INDEX outbox_automatic ON outbox (recipients, created_at) WHERE automatic = 1",
            "CREATE TABLE bounced_addresses (address TEXT PRIMARY KEY, bounced_at {INT} NOT NULL, bounces {INT} NOT NULL)",
        ],
        // Live chat: visitors known by a cookie (C8), and chats the chatbot still handles (C2).
        [
            """
            CREATE TABLE visitors (
                id {ID}, token_hash TEXT NOT NULL UNIQUE, name TEXT, email TEXT, contact_id {INT},
                created_at {INT} NOT NULL, seen_at {INT} NOT NULL)
            """,
            "ALTER TABLE conversations ADD COLUMN with_bot {INT} NOT NULL DEFAULT 0",
        ],
        // What automation must know of a message (W1): whether it answers a forwarded one.
        [
            "ALTER TABLE messages ADD COLUMN replies_to_forward {INT} NOT NULL DEFAULT 0",
        ],
        // The event feed: positions in commit order (given under the head row's lock, see
        // `EventLog`), events of conversations with or without a ticket, and consumers' positions.
        // Earlier events keep their ids as positions.
        [
            """
            CREATE TABLE feed_events (
                position {INT} PRIMARY KEY, record_id {INT}, conversation_id {INT}, object_type TEXT NOT NULL,
                kind TEXT NOT NULL, property TEXT, old_value TEXT, new_value TEXT, actor TEXT NOT NULL, source TEXT NOT NULL,
                occurred_at {INT} NOT NULL)
            """,
            """
            INSERT INTO feed_events (position, record_id, object_type, kind, property, old_value, new_value, actor, source, occurred_at)
            SELECT id, record_id, object_type, kind, property, old_value, new_value, actor, source, occurred_at FROM events
            """,
            "DROP TABLE events",
            "ALTER TABLE feed_events RENAME TO events",
            "CREATE INDEX events_record ON events (record_id, property, position) WHERE record_id IS NOT NULL",
            "CREATE INDEX events_conversation ON events (conversation_id, position) WHERE conversation_id IS NOT NULL",
            "CREATE TABLE feed_head (id {INT} PRIMARY KEY, position {INT} NOT NULL)",
            "INSERT INTO feed_head (id, position) SELECT 1, COALESCE(MAX(position), 0) FROM events",
            "CREATE TABLE feed_consumers (name TEXT PRIMARY KEY, position {INT} NOT NULL, updated_at {INT} NOT NULL)",
        ],
        // Durable jobs: work to do once, now or later, claimed by one server. Outgoing mail and
        // posts become jobs; a message keeps its own delivery state.
        [
            """
            CREATE TABLE jobs (
                id {ID}, kind TEXT NOT NULL, payload TEXT NOT NULL, run_at {INT} NOT NULL, dedupe_key TEXT,
                status TEXT NOT NULL, attempts {INT} NOT NULL DEFAULT 0, claimed_until {INT}, last_error TEXT,
                created_at {INT} NOT NULL, finished_at {INT})
            """,
            "CREATE INDEX jobs_due ON jobs (kind, run_at, id) WHERE status = 'PENDING'",
            "CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE status = 'PENDING'",
            "ALTER TABLE messages ADD COLUMN delivery_status TEXT",
            "ALTER TABLE messages ADD COLUMN delivery_attempts {INT} NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN delivery_error TEXT",
            "ALTER TABLE messages ADD COLUMN delivered_at {INT}",
            """
            UPDATE messages SET
                delivery_status = (SELECT CASE o.status WHEN 'PENDING' THEN 'QUEUED' ELSE o.status END FROM outbox o
                                   WHERE o.message_id = messages.id ORDER BY o.id DESC LIMIT 1),
                delivery_attempts = (SELECT o.attempts FROM outbox o WHERE o.message_id = messages.id ORDER BY o.id DESC LIMIT 1),
                delivery_error = (SELECT o.last_error FROM outbox o WHERE o.message_id = messages.id ORDER BY o.id DESC LIMIT 1),
                delivered_at = (SELECT o.sent_at FROM outbox o WHERE o.message_id = messages.id ORDER BY o.id DESC LIMIT 1)
            WHERE id IN (SELECT message_id FROM outbox WHERE message_id IS NOT NULL)
            """,
            """
            INSERT INTO jobs (kind, payload, run_at, status, attempts, created_at)
            SELECT CASE transport WHEN 'HTTP' THEN 'post.deliver' ELSE 'mail.deliver' END, CAST(id AS TEXT), next_attempt_at,
                   'PENDING', attempts, created_at
            FROM outbox WHERE status = 'PENDING'
            """,
            "DROP INDEX outbox_due",
            "ALTER TABLE outbox DROP COLUMN status",
            "ALTER TABLE outbox DROP COLUMN attempts",
            "ALTER TABLE outbox DROP COLUMN next_attempt_at",
            "ALTER TABLE outbox DROP COLUMN claimed_until",
            "ALTER TABLE outbox DROP COLUMN last_error",
            "ALTER TABLE outbox DROP COLUMN sent_at",
        ],
        // One incoming message is stored once: a Message-ID (or a channel's scoped message id)
        // is unique among incoming messages. Copies stored before keep their text, not the id.
        [
            """
            UPDATE messages SET message_id = NULL
            WHERE direction = 'INCOMING' AND message_id IS NOT NULL
              AND id > (SELECT MIN(m2.id) FROM messages m2 WHERE m2.message_id = messages.message_id AND m2.direction = 'INCOMING')
            """,
            "CREATE UNIQUE INDEX messages_incoming_id ON messages (message_id) WHERE direction = 'INCOMING' AND message_id IS NOT NULL",
        ],
        // The workspace's sign-in: browser sessions, one-time links, failed attempts.
        [
            """
            CREATE TABLE web_sessions (
                token_hash TEXT PRIMARY KEY, user_id {INT} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL, created_at {INT} NOT NULL, seen_at {INT} NOT NULL, address TEXT, agent TEXT)
            """,
            "CREATE INDEX web_sessions_user ON web_sessions (user_id)",
            """
            CREATE TABLE one_time_links (
                token_hash TEXT PRIMARY KEY, purpose TEXT NOT NULL, user_id {INT} REFERENCES users(id) ON DELETE CASCADE,
                created_at {INT} NOT NULL, expires_at {INT} NOT NULL, used_at {INT})
            """,
            "CREATE TABLE sign_in_failures (key TEXT PRIMARY KEY, failures {INT} NOT NULL, last_failure_at {INT} NOT NULL)",
        ],
        // Agents' unsent replies (R4), one per author and ticket.
        [
            """
            CREATE TABLE drafts (
                user_id {INT} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                ticket_id {INT} NOT NULL REFERENCES records(id) ON DELETE CASCADE,
                conversation_id {INT}, in_reply_to {INT}, text TEXT NOT NULL, html TEXT,
                to_addresses TEXT NOT NULL, cc_addresses TEXT NOT NULL, bcc_addresses TEXT NOT NULL,
                channel_id TEXT, status TEXT, updated_at {INT} NOT NULL,
                PRIMARY KEY (user_id, ticket_id))
            """,
            "CREATE INDEX drafts_ticket ON drafts (ticket_id)",
        ],
        // Each user's own settings of the workspace (the properties beside the thread, ...).
        [
            """
            CREATE TABLE user_settings (
                user_id {INT} NOT NULL REFERENCES users(id) ON DELETE CASCADE, name TEXT NOT NULL, value TEXT NOT NULL,
                updated_at {INT} NOT NULL, PRIMARY KEY (user_id, name))
            """,
        ],
        // Who has a ticket open, and who is writing on it, for every server to show.
        [
            """
            CREATE TABLE ticket_presence (
                ticket_id {INT} NOT NULL REFERENCES records(id) ON DELETE CASCADE,
                user_id {INT} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                replying {INT} NOT NULL, seen_at {INT} NOT NULL, PRIMARY KEY (ticket_id, user_id))
            """,
        ],
        // R2: the address a team's agents write from when the thread does not say.
        [
            "ALTER TABLE teams ADD COLUMN default_channel_id TEXT",
        ],
        // R3: saved text blocks agents insert.
        [
            "CREATE TABLE snippets (id {ID}, name TEXT NOT NULL, body TEXT NOT NULL, created_at {INT} NOT NULL, updated_at {INT} NOT NULL)",
            "CREATE UNIQUE INDEX snippets_name ON snippets (lower(name))",
        ],
        // The workspace's views filter on stage, owner and team and sort by the last change: with
        // those as columns and indexes, a view over a million tickets reads only its own rows.
        [
            "ALTER TABLE records ADD COLUMN stage TEXT",
            "UPDATE records SET stage = {STAGEOFRECORD}",
            "CREATE INDEX records_stage ON records (object_type, archived, stage, updated_at)",
            "CREATE INDEX records_owner_stage ON records (object_type, archived, owner_id, stage, updated_at)",
            "CREATE INDEX records_team_stage ON records (object_type, archived, team_id, stage, updated_at)",
        ],
        // V1: views saved from filters, private or shared with a team.
        [
            """
            CREATE TABLE saved_views (
                id {ID}, name TEXT NOT NULL, author_id TEXT NOT NULL, team_id TEXT, definition TEXT NOT NULL,
                created_at {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
            "CREATE INDEX saved_views_author ON saved_views (author_id)",
            "CREATE INDEX saved_views_team ON saved_views (team_id)",
        ],
        // Settings of the whole account, by name (the New ticket form's fields, P5).
        [
            "CREATE TABLE account_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at {INT} NOT NULL)",
        ],
        // On SQLite, contacts and companies get a full-text index of their own: among a million
        // tickets' words, finding the few people who match would read every ticket that does.
        [
            "{PEOPLESEARCHINDEX}", "{PEOPLESEARCHINSERT}", "{PEOPLESEARCHUPDATE}", "{PEOPLESEARCHFILL}",
        ],
        // R3: saved replies agents start answers from.
        [
            """
            CREATE TABLE reply_templates (
                id {ID}, name TEXT NOT NULL, body TEXT NOT NULL, created_at {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
            "CREATE UNIQUE INDEX reply_templates_name ON reply_templates (lower(name))",
        ],
        // Lists by priority: the rank of a ticket's priority as a column, with an index in the
        // list's order (highest rank first, then the longest waiting), so that a page of a view
        // over a million tickets reads only its own rows.
        [
            "ALTER TABLE records ADD COLUMN priority {INT} NOT NULL DEFAULT 0",
            "UPDATE records SET priority = {PRIORITYOFRECORD} WHERE object_type = '\(ObjectType.tickets.id)'",
            "CREATE INDEX records_priority ON records (object_type, archived, priority DESC, updated_at, id)",
        ],
        // Routing (A4-A7): a ticket's work type and when its owner got it count the owner's load;
        // agents' availability, skills and capacity; each channel's rotation; why each ticket went
        // where it did.
        [
            "ALTER TABLE records ADD COLUMN work_type TEXT",
            "ALTER TABLE records ADD COLUMN assigned_at {INT}",
            """
            UPDATE records SET work_type = CASE {SOURCEOFRECORD} WHEN 'PHONE' THEN 'CALLS'
                WHEN 'CHAT' THEN 'MESSAGES' WHEN 'WHATSAPP' THEN 'MESSAGES' WHEN 'CUSTOM_CHANNEL' THEN 'MESSAGES' ELSE 'EMAIL' END
            WHERE object_type = '\(ObjectType.tickets.id)'
            """,
            """
            UPDATE records SET assigned_at = COALESCE((SELECT MAX(e.occurred_at) FROM events e
                WHERE e.record_id = records.id AND e.property = 'hubspot_owner_id'), created_at)
            WHERE owner_id IS NOT NULL
            """,
            """
            CREATE INDEX records_load ON records (owner_id, work_type, archived, stage, assigned_at)
            WHERE work_type IS NOT NULL AND owner_id IS NOT NULL
            """,
            """
            CREATE TABLE agent_routing (
                user_id {INT} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE, profile TEXT NOT NULL, updated_at {INT} NOT NULL)
            """,
            "CREATE TABLE routing_rotations (channel_id TEXT PRIMARY KEY, last_user_id TEXT NOT NULL, updated_at {INT} NOT NULL)",
            """
            CREATE TABLE routing_decisions (
                ticket_id {INT} PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE, channel_id TEXT NOT NULL,
                decision TEXT NOT NULL, decided_at {INT} NOT NULL)
            """,
        ],
        // Tickets routing left waiting for an agent to come back or have room, given out oldest first.
        [
            "ALTER TABLE routing_decisions ADD COLUMN waiting {INT} NOT NULL DEFAULT 0",
            "ALTER TABLE routing_decisions ADD COLUMN waiting_for TEXT",
            "CREATE INDEX routing_decisions_waiting ON routing_decisions (decided_at, ticket_id) WHERE waiting = 1",
        ],
        // A6: a team's office hours and holidays (the help desk's are an account setting).
        [
            """
            CREATE TABLE team_office_hours (
                team_id {INT} PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE, hours TEXT NOT NULL, updated_at {INT} NOT NULL)
            """,
        ],
        // A5: each agent's open tickets counted as they change, per work type and day of
        // assignment, so a decision reads one row per agent and day instead of their tickets.
        // Which statuses are open is copied from the ticket pipelines (`syncOpenTicketStages`),
        // which also fills the counts the first time.
        [
            "CREATE TABLE open_ticket_stages (stage TEXT PRIMARY KEY)",
            """
            CREATE TABLE agent_loads (
                owner_id TEXT NOT NULL, work_type TEXT NOT NULL, assigned_day {INT} NOT NULL, open_tickets {INT} NOT NULL,
                latest_assigned_at {INT} NOT NULL, PRIMARY KEY (owner_id, work_type, assigned_day)) {WITHOUTROWID}
            """,
            "{LOADFUNCTION}",
            "{LOADINSERT}",
            "{LOADUPDATE}",
            "{LOADDELETE}",
        ],
        // A10: notifications each user chose to see in the workspace, to get by mail, or both;
        // the mail goes out in batches, at most one per user in a while.
        [
            "ALTER TABLE notifications ADD COLUMN shown {INT} NOT NULL DEFAULT 1",
            "ALTER TABLE notifications ADD COLUMN email_due {INT} NOT NULL DEFAULT 0",
            "CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL AND shown = 1",
            "CREATE INDEX notifications_email_due ON notifications (user_id, id) WHERE email_due = 1",
            "CREATE TABLE notification_mail (user_id TEXT PRIMARY KEY, last_sent_at {INT} NOT NULL)",
        ],
        // W1-W5: workflows of pipelines, their runs and each action a run reached, and the email
        // templates they send (the built-in ones are stored once edited).
        [
            """
            CREATE TABLE workflows (
                id {ID}, object_type TEXT NOT NULL, pipeline_id TEXT NOT NULL, trigger_key TEXT NOT NULL, name TEXT NOT NULL,
                enabled {INT} NOT NULL, version {INT} NOT NULL, definition TEXT NOT NULL, updated_at {INT} NOT NULL,
                updated_by TEXT NOT NULL, archived {INT} NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX workflows_trigger ON workflows (object_type, trigger_key) WHERE archived = 0",
            """
            CREATE TABLE workflow_runs (
                id {ID}, workflow_id {INT} NOT NULL REFERENCES workflows(id), workflow_version {INT} NOT NULL,
                object_type TEXT NOT NULL, record_id {INT} NOT NULL, event_position {INT}, caused_by {INT}, chain {INT} NOT NULL,
                status TEXT NOT NULL, current_action TEXT, wake_at {INT}, reason TEXT, started_at {INT} NOT NULL, ended_at {INT})
            """,
            "CREATE UNIQUE INDEX workflow_runs_event ON workflow_runs (workflow_id, event_position, record_id)",
            "CREATE INDEX workflow_runs_record ON workflow_runs (record_id, id)",
            "CREATE INDEX workflow_runs_workflow ON workflow_runs (workflow_id, id)",
            """
            CREATE TABLE workflow_run_steps (
                id {ID}, run_id {INT} NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE, action_id TEXT NOT NULL,
                kind TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, at {INT} NOT NULL)
            """,
            "CREATE INDEX workflow_run_steps_run ON workflow_run_steps (run_id, id)",
            """
            CREATE TABLE email_templates (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, transactional {INT} NOT NULL,
                built_in {INT} NOT NULL, updated_at {INT} NOT NULL)
            """,
        ],
    ]

    /// What the load triggers say of a row, as `old` or `new`: whether it counts, and its bucket.
    private static func loadCounts(_ row: String) -> String {
        """
        \(row).owner_id IS NOT NULL AND \(row).work_type IS NOT NULL AND \(row).archived = 0
            AND \(row).stage IN (SELECT stage FROM open_ticket_stages)
        """
    }

    private static func loadAdd(_ row: String, dialect: Database.Dialect) -> String {
        let latest = dialect == .sqlite ? "MAX" : "GREATEST"
        return """
            INSERT INTO agent_loads (owner_id, work_type, assigned_day, open_tickets, latest_assigned_at)
            SELECT \(row).owner_id, \(row).work_type, COALESCE(\(row).assigned_at, 0) / 86400000, 1, COALESCE(\(row).assigned_at, 0)
            WHERE \(loadCounts(row))
            ON CONFLICT (owner_id, work_type, assigned_day) DO UPDATE SET open_tickets = agent_loads.open_tickets + 1,
                latest_assigned_at = \(latest)(agent_loads.latest_assigned_at, excluded.latest_assigned_at);
            """
    }

    private static func loadRemove(_ row: String) -> String {
        let bucket = """
            owner_id = \(row).owner_id AND work_type = \(row).work_type AND assigned_day = COALESCE(\(row).assigned_at, 0) / 86400000
            """
        return """
            UPDATE agent_loads SET open_tickets = open_tickets - 1 WHERE \(bucket) AND \(loadCounts(row));
            DELETE FROM agent_loads WHERE \(bucket) AND open_tickets <= 0;
            """
    }

    private static let loadColumnsChanged = """
        old.owner_id IS NOT new.owner_id OR old.work_type IS NOT new.work_type OR old.archived <> new.archived
            OR old.stage IS NOT new.stage OR old.assigned_at IS NOT new.assigned_at
        """

    /// The rank of a stored ticket's priority, as `TicketPriority` gives it, from its value in SQL.
    static func rankOfPriority(_ value: String) -> String {
        let ranks = TicketPriority.rankedValues.map { "WHEN '\($0)' THEN \(TicketPriority.rank(of: $0))" }
        return "CASE \(value) \(ranks.joined(separator: " ")) ELSE \(TicketPriority.rank(of: nil)) END"
    }

    static func fill(_ statement: String, for dialect: Database.Dialect) -> String {
        let words: [String: String]
        switch dialect {
        case .sqlite:
            words = [
                "{ID}": "INTEGER PRIMARY KEY", "{INT}": "INTEGER", "{REAL}": "REAL", "{BLOB}": "BLOB", "{SEARCHCOLUMNS}": "",
                "{WITHOUTROWID}": "WITHOUT ROWID",
                "{SOURCEOFRECORD}": "json_extract(properties, '$.source_type')",
                "{STAGEOFRECORD}": "json_extract(properties, CASE object_type WHEN '0-3' THEN '$.dealstage' ELSE '$.hs_pipeline_stage' END)",
                "{PRIORITYOFRECORD}": rankOfPriority("json_extract(properties, '$.\(TicketPriority.property)')"),
                "{PEOPLESEARCHINDEX}": """
                    CREATE VIRTUAL TABLE people_search USING fts5(
                        search_text, content = 'records', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')
                    """,
                "{PEOPLESEARCHINSERT}": """
                    CREATE TRIGGER records_people_search_insert AFTER INSERT ON records WHEN new.object_type IN ('0-1', '0-2') BEGIN
                        INSERT INTO people_search (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                "{PEOPLESEARCHUPDATE}": """
                    CREATE TRIGGER records_people_search_update AFTER UPDATE OF search_text ON records
                    WHEN new.object_type IN ('0-1', '0-2') BEGIN
                        INSERT INTO people_search (people_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                        INSERT INTO people_search (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                "{PEOPLESEARCHFILL}": "INSERT INTO people_search (rowid, search_text) SELECT id, search_text FROM records WHERE object_type IN ('0-1', '0-2')",
                // The full-text index reads its words from records.search_text and follows it by triggers.
                "{SEARCHINDEX}": """
                    CREATE VIRTUAL TABLE record_search USING fts5(
                        search_text, content = 'records', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')
                    """,
                "{SEARCHINSERT}": """
                    CREATE TRIGGER records_search_insert AFTER INSERT ON records BEGIN
                        INSERT INTO record_search (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                "{SEARCHUPDATE}": """
                    CREATE TRIGGER records_search_update AFTER UPDATE OF search_text ON records BEGIN
                        INSERT INTO record_search (record_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                        INSERT INTO record_search (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                "{LOADFUNCTION}": "",
                "{LOADINSERT}": "CREATE TRIGGER records_load_insert AFTER INSERT ON records BEGIN \(loadAdd("new", dialect: .sqlite)) END",
                "{LOADUPDATE}": """
                    CREATE TRIGGER records_load_update AFTER UPDATE OF owner_id, work_type, archived, stage, assigned_at ON records
                    WHEN \(loadColumnsChanged) BEGIN \(loadRemove("old")) \(loadAdd("new", dialect: .sqlite)) END
                    """,
                "{LOADDELETE}": "CREATE TRIGGER records_load_delete AFTER DELETE ON records BEGIN \(loadRemove("old")) END",
            ]
        case .postgres:
            words = [
                "{ID}": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "{INT}": "BIGINT",
                "{REAL}": "DOUBLE PRECISION", "{BLOB}": "BYTEA", "{WITHOUTROWID}": "",
                "{SOURCEOFRECORD}": "CAST(properties AS jsonb) ->> 'source_type'",
                "{STAGEOFRECORD}": "CAST(properties AS jsonb) ->> (CASE object_type WHEN '0-3' THEN 'dealstage' ELSE 'hs_pipeline_stage' END)",
                "{PRIORITYOFRECORD}": rankOfPriority("CAST(properties AS jsonb) ->> '\(TicketPriority.property)'"),
                "{SEARCHCOLUMNS}": ", search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                "{SEARCHINDEX}": "CREATE INDEX records_search ON records USING GIN (search_vector)",
                "{SEARCHINSERT}": "", "{SEARCHUPDATE}": "",
                "{PEOPLESEARCHINDEX}": "", "{PEOPLESEARCHINSERT}": "", "{PEOPLESEARCHUPDATE}": "", "{PEOPLESEARCHFILL}": "",
                "{LOADFUNCTION}": """
                    CREATE FUNCTION records_count_load() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP <> 'INSERT' THEN \(loadRemove("OLD")) END IF;
                        IF TG_OP <> 'DELETE' THEN \(loadAdd("NEW", dialect: .postgres)) END IF;
                        RETURN NULL;
                    END $$
                    """,
                "{LOADINSERT}": "CREATE TRIGGER records_load_insert AFTER INSERT ON records FOR EACH ROW EXECUTE FUNCTION records_count_load()",
                "{LOADUPDATE}": """
                    CREATE TRIGGER records_load_update AFTER UPDATE OF owner_id, work_type, archived, stage, assigned_at ON records
                    FOR EACH ROW WHEN (\(loadColumnsChanged.replacingOccurrences(of: " IS NOT ", with: " IS DISTINCT FROM ")))
                    EXECUTE FUNCTION records_count_load()
                    """,
                "{LOADDELETE}": "CREATE TRIGGER records_load_delete AFTER DELETE ON records FOR EACH ROW EXECUTE FUNCTION records_count_load()",
            ]
        }
        var result = statement
        for (word, replacement) in words {
            result = result.replacingOccurrences(of: word, with: replacement)
        }
        return result
    }

    static func run(on database: Database) async throws {
        try await database.write { session in
            let db = session.sql
            if database.dialect == .postgres {
                // Several servers may start at once against one database: one migrates, the others wait.
                try await db.raw("SELECT pg_advisory_xact_lock(7226111)").run()
            }
            try await db.raw("CREATE TABLE IF NOT EXISTS helpdesk_migrations (version INTEGER PRIMARY KEY)").run()
            let applied = try await db.raw("SELECT version FROM helpdesk_migrations").all()
                .map { try $0.decode(column: "version", as: Int.self) }
            for (index, step) in steps.enumerated() where !applied.contains(index + 1) {
                for statement in step.map({ fill($0, for: database.dialect) }) where !statement.isEmpty {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("INSERT INTO helpdesk_migrations (version) VALUES (\(bind: index + 1))").run()
            }
        }
    }
}
