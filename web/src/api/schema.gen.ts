// Generated from the service's OpenAPI document by `npm run openapi` (web/scripts/openapi.mjs).
// Do not edit: change the API, then regenerate. `make web-test` fails when this file is stale.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is up
         * @description Always 200 while the process serves requests; checks no dependency.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Request counts and latencies per route, LLM latency, tokens, cost, fallbacks, breakers, handoffs, feedback.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: index, store and model chain usable
         * @description 200 when the index has content, the store answers and a provider (or extractive drafting) can draft.
         *
         *     Otherwise 503 with each check's result. All providers' breakers open fails readiness only when
         *     ``COPILOT_API_READY_REQUIRES_LLM`` is set: the service still answers, extractively.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One agent */
        get: operations["getAgent"];
        /** Create or update an agent's skills and capacity */
        put: operations["putAgent"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{agent_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-sent events: the agent's offers, assignments, transfers and closes
         * @description Events named by their kind (``contact.offered``, ``contact.assigned``, ...), ``id:`` the outbox sequence
         *     (send it back as ``after`` or ``Last-Event-ID`` to resume), and comments as heartbeats.
         */
        get: operations["streamAgentEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{agent_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set an agent's status
         * @description An agent who becomes ``available`` is offered waiting contacts at once.
         */
        put: operations["putAgentStatus"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/answers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a customer's question from public help articles
         * @description Answer from public help articles only, citing them, or hand over to a person.
         *
         *     Retrieval runs with the customer audience, so internal procedures and past resolutions are never
         *     searched; a draft that fails a check is replaced by a handoff. Streams send only checked text.
         */
        post: operations["createAnswer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Contacts, filtered by agent and state
         * @description An agent sees only their own contacts (``agent_id`` defaults to them); supervisors see everyone's.
         */
        get: operations["listContacts"];
        put?: never;
        /**
         * Triage a contact and route it to a queue and an agent
         * @description Triage the PII-masked conversation, choose the queue and priority from the routing rules, and offer the
         *     contact to the best free agent, or leave it waiting. Staff get the whole decision; a customer gets its
         *     position and estimated wait only.
         */
        post: operations["createContact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contact_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One contact */
        get: operations["getContact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contact_id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take a contact offered to you */
        post: operations["acceptContact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contact_id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close an assigned contact */
        post: operations["closeContact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contact_id}/transfer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move an assigned contact to another queue (a new leg waits there) */
        post: operations["transferContact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evals/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest evaluation runs and the recorded baselines
         * @description Each run's task, provider, model, case count and scalar metrics, newest first.
         */
        get: operations["listEvalRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record an agent's verdict on a suggestion
         * @description ``accepted``, ``edited`` (with the text that was sent) or ``rejected``, with an optional reason and comment.
         *
         *     An interaction may get several verdicts; the newest one counts (for the export of candidate past
         *     resolutions). 404 when the interaction does not exist, 409 when it is a customer answer.
         */
        post: operations["createFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/interactions/{interaction_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read an interaction and its feedback
         * @description The interaction as stored: masked input and output, provider, model, prompt version, usage, feedback.
         */
        get: operations["getInteraction"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/kb/documents/{doc_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create or replace one document
         * @description Chunk, embed and index the document now (only what changed is re-embedded).
         *
         *     The document is also kept under the data dir, so re-indexes and restarts keep it: it overrides a
         *     source document with the same id until it is deleted.
         */
        put: operations["upsertDocument"];
        post?: never;
        /**
         * Delete one document
         * @description Remove the document from the index and keep it out of later re-indexes (until it is upserted again).
         */
        delete: operations["deleteDocument"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/kb/reindex": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rebuild the index from the configured sources
         * @description Build a new collection from the sources (plus the API's own changes), then swap the alias.
         *
         *     Searches keep using the old collection until the swap. One re-index at a time (409 otherwise).
         */
        post: operations["startReindex"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/kb/reindex/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a re-index job
         * @description The job's status and, once finished, its ingest report. Jobs are kept in memory, per process.
         */
        get: operations["getReindexJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/kb/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the knowledge base under the caller's access filter
         * @description Ranked documents with their best passages. Customer keys search public help articles only.
         */
        get: operations["searchKnowledgeBase"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/planning/forecast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Forecast contacts per open interval with 80% and 95% intervals
         * @description Learn the grid and open hours from the history, choose a model per queue by rolling-origin
         *     cross-validation and forecast every open interval of the next ``days`` days.
         */
        post: operations["createPlanningForecast"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/planning/requirements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Agents needed per interval (Erlang C or A, concurrency, shrinkage)
         * @description Productive agents meeting the service-level target in each interval, and the heads to schedule.
         */
        post: operations["createPlanningRequirements"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/planning/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A week of shifts meeting the requirement (OR-Tools CP-SAT)
         * @description Shifts per agent and day, the coverage per slot, and each skill group's optimality gap.
         */
        post: operations["createPlanningSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every queue, live
         * @description Busiest first. The service level is today's (UTC) answered-within-target share of answered or abandoned
         *     contacts; ``null`` before any.
         */
        get: operations["listQueues"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suggestions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Suggest a reply to the customer's last message
         * @description Draft a reply for the agent from the conversation, with its sources, confidence and handoff advice.
         *
         *     The conversation is PII-masked before retrieval and the model; the stored interaction holds only
         *     masked text. The agent edits and sends the reply; the copilot never sends anything.
         */
        post: operations["createSuggestion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/summaries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Summarise a conversation for the handover
         * @description Summarise the conversation: issue, actions taken, status, next steps and the customer's sentiment.
         */
        post: operations["createSummary"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/triage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Triage a conversation: intent, risks, request type, answerability and handoff
         * @description Triage the PII-masked conversation. Every risk head's score is returned with its threshold, and the
         *     handoff says which head or fail-safe rule decided it. Nothing is stored.
         */
        post: operations["createTriage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AgentIn */
        AgentIn: {
            /** Contract Hours */
            contract_hours: number;
            /** Id */
            id: string;
            /** Preferred Days Off */
            preferred_days_off?: number[];
            /** Shift Hours */
            shift_hours?: number[];
            /** Skills */
            skills: string[];
            /**
             * Unavailable Days
             * @description Weekdays, Monday 0.
             */
            unavailable_days?: number[];
        };
        /**
         * AgentInput
         * @description An agent's profile: skills with levels (1-5), languages, and how many chats they hold at once.
         */
        AgentInput: {
            /**
             * Capacity
             * @default 3
             */
            capacity: number;
            /**
             * Languages
             * @default [
             *       "en"
             *     ]
             */
            languages: string[];
            /** Name */
            name: string;
            /** Skills */
            skills: {
                [key: string]: number;
            };
        };
        /** AgentView */
        AgentView: {
            /** Capacity */
            capacity: number;
            /** Id */
            id: string;
            /** Languages */
            languages: string[];
            /** Load */
            load: number;
            /** Name */
            name: string;
            /** Skills */
            skills: {
                [key: string]: number;
            };
            /**
             * Status
             * @enum {string}
             */
            status: "available" | "busy" | "away" | "offline";
        };
        /** Answer */
        Answer: {
            /** Answer */
            answer: string;
            /** Citations */
            citations?: components["schemas"]["Citation"][];
            /** Confidence */
            confidence: number;
            /** Curated Answer Id */
            curated_answer_id?: string | null;
            handoff?: components["schemas"]["Handoff"];
            /**
             * Id
             * @default
             */
            id: string;
            /**
             * Latency Ms
             * @default 0
             */
            latency_ms: number;
            /** Model */
            model: string;
            prompt: components["schemas"]["PromptRef"];
            /** Provider */
            provider: string;
            triage?: components["schemas"]["CustomerTriage"] | null;
            usage?: components["schemas"]["UsageOut"];
        };
        /**
         * AnswerRequest
         * @description A customer's question with the earlier turns of the chat (at most 199: the question makes 200).
         *
         *     ``copilot.schemas.AnswerInput`` allows 200 earlier turns, which the pipeline then refuses (201 turns)
         *     with an error the API would report as a 500; this wrapper moves the limit into the contract.
         */
        AnswerRequest: {
            /** History */
            history?: components["schemas"]["ConversationTurn"][];
            /** Question */
            question: string;
        };
        /**
         * Audience
         * @enum {string}
         */
        Audience: "public" | "internal";
        /** CheckResult */
        CheckResult: {
            /** Detail */
            detail: string;
            /** Ok */
            ok: boolean;
        };
        /** Citation */
        Citation: {
            /** Doc Id */
            doc_id: string;
            /**
             * Quote
             * @default
             */
            quote: string;
            /** Title */
            title: string;
            /** Url */
            url?: string | null;
        };
        /** CloseInput */
        CloseInput: {
            /** Outcome */
            outcome?: string | null;
        };
        /**
         * ContactInput
         * @description A new contact: the conversation so far (ending with the customer) and its channel.
         */
        ContactInput: {
            /**
             * Channel
             * @default chat
             * @enum {string}
             */
            channel: "chat" | "voice" | "message" | "email";
            /** Conversation */
            conversation: components["schemas"]["ConversationTurn"][];
            /** Customer Context */
            customer_context?: {
                [key: string]: string;
            } | null;
            /**
             * Customer Ref
             * @description The bank's customer reference.
             */
            customer_ref?: string | null;
            /**
             * Reopens
             * @description The contact this one reopens: it goes back to that agent if free.
             */
            reopens?: string | null;
        };
        /** ContactList */
        ContactList: {
            /** Contacts */
            contacts: components["schemas"]["ContactView"][];
        };
        /** ContactTriage */
        ContactTriage: {
            /** Area */
            area: string;
            /** Handoff Reason */
            handoff_reason: string | null;
            /** Intent */
            intent: string | null;
            /** Language */
            language: string;
            /** Request */
            request: string;
            /** Risks */
            risks: string[];
            /** Urgency */
            urgency: string;
            /** Vulnerability */
            vulnerability: string | null;
        };
        /**
         * ContactView
         * @description A contact as staff see it.
         */
        ContactView: {
            /** Agent Id */
            agent_id: string | null;
            /** Assigned At */
            assigned_at: number | null;
            /**
             * Channel
             * @enum {string}
             */
            channel: "chat" | "voice" | "message" | "email";
            /**
             * Conversation
             * @description The PII-masked conversation the contact arrived with.
             */
            conversation: {
                [key: string]: string;
            }[];
            /** Created At */
            created_at: number;
            /** Deadline At */
            deadline_at: number;
            decision: components["schemas"]["RoutingDecision"];
            /** Ended At */
            ended_at: number | null;
            /** Estimated Wait S */
            estimated_wait_s: number | null;
            /** Flags */
            flags: string[];
            /** Id */
            id: string;
            /** Offered At */
            offered_at: number | null;
            /** Outcome */
            outcome: string | null;
            /**
             * Position
             * @description Contacts ranked ahead of this one, while it waits.
             */
            position: number | null;
            /** Priority */
            priority: number;
            /** Queue */
            queue: string;
            /** Reopens */
            reopens: string | null;
            /**
             * State
             * @enum {string}
             */
            state: "waiting" | "offered" | "assigned" | "closed" | "abandoned" | "transferred";
            /** Transferred From */
            transferred_from: string | null;
            triage: components["schemas"]["ContactTriage"];
        };
        /**
         * ConversationInput
         * @description A conversation and optional facts about the customer (never used for retrieval).
         */
        ConversationInput: {
            /** Conversation */
            conversation: components["schemas"]["ConversationTurn"][];
            /** Customer Context */
            customer_context?: {
                [key: string]: string;
            } | null;
        };
        /** ConversationTurn */
        ConversationTurn: {
            /**
             * Role
             * @enum {string}
             */
            role: "customer" | "agent";
            /** Text */
            text: string;
        };
        /** CoverageOut */
        CoverageOut: {
            /** Group */
            group: string;
            /**
             * Interval Start
             * @description Local time, ISO 8601 without offset: 2024-01-01T09:00:00.
             */
            interval_start: string;
            /** Required */
            required: number;
            /** Scheduled */
            scheduled: number;
        };
        /**
         * CustomerContactView
         * @description What a customer's app sees of its contact.
         */
        CustomerContactView: {
            /** Estimated Wait S */
            estimated_wait_s: number | null;
            /** Id */
            id: string;
            /** Position */
            position: number | null;
            /**
             * State
             * @enum {string}
             */
            state: "waiting" | "offered" | "assigned" | "closed" | "abandoned" | "transferred";
        };
        /**
         * CustomerTriage
         * @description What a customer's app may see of triage: never the risks (an abuser may share the device), the
         *     procedure or the team, which are internal.
         */
        CustomerTriage: {
            /** Answerable */
            answerable: boolean;
            /** Area */
            area: string;
            /** Handoff Needed */
            handoff_needed: boolean;
            /** Handoff Reason */
            handoff_reason?: ("customer_request" | "missing_knowledge" | "unsupported_request" | "policy_restriction" | "sensitive_topic" | "pending_clarification") | null;
            /** Language */
            language: string;
            /** Model Version */
            model_version: string;
            /**
             * Request
             * @enum {string}
             */
            request: "question" | "action" | "advice" | "human" | "internal_info" | "third_party_data" | "unclear";
        };
        /**
         * Decision
         * @description What decided a handoff (or its absence): the head or fail-safe rule, and the figure it read.
         */
        Decision: {
            /** By */
            by: string;
            /** Detail */
            detail: string;
        };
        /**
         * DocumentChange
         * @description What an upsert did.
         */
        DocumentChange: {
            /** Chunks Deleted */
            chunks_deleted: number;
            /** Chunks Written */
            chunks_written: number;
            /** Id */
            id: string;
            /**
             * Result
             * @enum {string}
             */
            result: "created" | "updated" | "unchanged";
        };
        /**
         * DocumentKind
         * @enum {string}
         */
        DocumentKind: "article" | "resolution";
        /**
         * DocumentUpsert
         * @description A knowledge-base document; ``id`` may be left out (the path names it) but must match if given.
         */
        DocumentUpsert: {
            /** @default internal */
            audience: components["schemas"]["Audience"];
            /** Id */
            id?: string | null;
            /** @default article */
            kind: components["schemas"]["DocumentKind"];
            /** Locale */
            locale?: string | null;
            /**
             * Tags
             * @default []
             */
            tags: string[];
            /** Text */
            text: string;
            /** Title */
            title: string;
            /** Updated At */
            updated_at?: string | null;
            /** Url */
            url?: string | null;
        };
        /**
         * EvalRun
         * @description One run's summary: what was evaluated, with what, and its scalar metrics.
         */
        EvalRun: {
            /** Cases */
            cases: number | null;
            /** Created At */
            created_at: string | null;
            /**
             * Metrics
             * @description Every finite scalar metric of the run.
             */
            metrics: {
                [key: string]: number;
            };
            /** Model */
            model: string | null;
            /**
             * Name
             * @description The run folder's name (or the baseline file's stem).
             */
            name: string;
            /** Provider */
            provider: string | null;
            /**
             * Source
             * @enum {string}
             */
            source: "run" | "baseline";
            /** Task */
            task: string;
        };
        /** EvalRuns */
        EvalRuns: {
            /**
             * Runs
             * @description Newest first: the runs, then the baselines.
             */
            runs: components["schemas"]["EvalRun"][];
        };
        /**
         * FeedbackIn
         * @description An agent's verdict on a suggestion (or a summary).
         *
         *     ``edited_text`` (the text that was really sent) is required with ``edited`` and refused otherwise.
         *     Free text is PII-masked before it is stored.
         */
        FeedbackIn: {
            /** Comment */
            comment?: string | null;
            /** Edited Text */
            edited_text?: string | null;
            /**
             * Interaction Id
             * Format: uuid
             * @description The `id` of the suggestion or summary.
             */
            interaction_id: string;
            /** Reason */
            reason?: ("incorrect" | "incomplete" | "outdated" | "inappropriate" | "other") | null;
            /**
             * Verdict
             * @enum {string}
             */
            verdict: "accepted" | "edited" | "rejected";
        };
        /**
         * FeedbackOut
         * @description A stored verdict (free text as stored: masked).
         */
        FeedbackOut: {
            /** Comment */
            comment: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Edited Text */
            edited_text: string | null;
            /** Id */
            id: string;
            /** Interaction Id */
            interaction_id: string;
            /** Principal */
            principal: string;
            /** Reason */
            reason: ("incorrect" | "incomplete" | "outdated" | "inappropriate" | "other") | null;
            /**
             * Verdict
             * @enum {string}
             */
            verdict: "accepted" | "edited" | "rejected";
        };
        /**
         * FieldError
         * @description One invalid field of a request.
         */
        FieldError: {
            /**
             * Field
             * @description Dotted path, e.g. body.conversation.0.role.
             */
            field: string;
            /** Message */
            message: string;
            /**
             * Type
             * @description Pydantic error type, e.g. string_too_long.
             */
            type: string;
        };
        /** FitOut */
        FitOut: {
            /** Cv Wape */
            cv_wape: {
                [key: string]: number;
            };
            /** Cv Windows */
            cv_windows: number;
            /**
             * Model
             * @enum {string}
             */
            model: "profile" | "mstl" | "seasonal_naive";
            /** Queue */
            queue: string;
        };
        /**
         * Flags
         * @description What the guardrails noticed; for agents and operators, never shown to customers as such.
         */
        Flags: {
            /** Dropped Citations */
            dropped_citations?: string[];
            /** Fallback Reason */
            fallback_reason?: string | null;
            /**
             * Injection Suspected
             * @default false
             */
            injection_suspected: boolean;
            /** Pii Masked */
            pii_masked?: string[];
            /**
             * Repaired Output
             * @default false
             */
            repaired_output: boolean;
            /** Ungrounded Sentences */
            ungrounded_sentences?: string[];
        };
        /** ForecastIn */
        ForecastIn: {
            /**
             * Days
             * @description Calendar days after the history's last interval.
             */
            days: number;
            history: components["schemas"]["HistoryIn"];
            /** Models */
            models?: ("profile" | "mstl" | "seasonal_naive")[];
            /** Special Days */
            special_days?: components["schemas"]["SpecialDayIn"][];
        };
        /** ForecastOut */
        ForecastOut: {
            /** Fits */
            fits: components["schemas"]["FitOut"][];
            /** Interval Minutes */
            interval_minutes: number;
            /** Rows */
            rows: components["schemas"]["ForecastRow"][];
        };
        /** ForecastRow */
        ForecastRow: {
            /** Forecast */
            forecast: number;
            /** Hi80 */
            hi80: number;
            /** Hi95 */
            hi95: number;
            /** Interval Start */
            interval_start: string;
            /** Lo80 */
            lo80: number;
            /** Lo95 */
            lo95: number;
            /** Queue */
            queue: string;
        };
        /** GroupOut */
        GroupOut: {
            /** Agents */
            agents: number;
            /** Gap */
            gap: number;
            /** Group */
            group: string;
            /** Over Slots */
            over_slots: number;
            /** Status */
            status: string;
            /** Under Slots */
            under_slots: number;
        };
        /** Handoff */
        Handoff: {
            /** Message */
            message?: string | null;
            /**
             * Needed
             * @default false
             */
            needed: boolean;
            /** Reason */
            reason?: ("customer_request" | "missing_knowledge" | "unsupported_request" | "policy_restriction" | "sensitive_topic" | "pending_clarification") | ("low_confidence" | "ungrounded_draft" | "service_degraded") | null;
        };
        /** HandoffRecord */
        HandoffRecord: {
            /** Needed */
            needed: boolean;
            /** Reason */
            reason: string | null;
        };
        /** Health */
        Health: {
            /**
             * Status
             * @constant
             */
            status: "ok";
        };
        /**
         * HistoryIn
         * @description Calls per interval, column-wise: equal-length arrays.
         */
        HistoryIn: {
            /** Calls */
            calls: number[];
            /**
             * Interval Start
             * @description Local time, e.g. 2003-03-03 07:00.
             */
            interval_start: string[];
            /** Queue */
            queue?: string[] | null;
        };
        /**
         * IntentScore
         * @description One candidate contact reason: a fine-grained intent and the contact area it belongs to.
         */
        IntentScore: {
            /** Area */
            area: string;
            /** Intent */
            intent: string;
            /** Probability */
            probability: number;
        };
        /**
         * InteractionOut
         * @description A stored interaction: PII-masked input and output, how it was made, and its feedback.
         */
        InteractionOut: {
            /** Channel */
            channel: string;
            /** Citations */
            citations: string[];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Feedback */
            feedback: components["schemas"]["FeedbackOut"][];
            handoff: components["schemas"]["HandoffRecord"];
            /** Id */
            id: string;
            /**
             * Input
             * @description The conversation, PII-masked.
             */
            input: components["schemas"]["TurnOut"][];
            /** Latency Ms */
            latency_ms: number;
            /** Model */
            model: string;
            /**
             * Output
             * @description The response, PII-masked.
             */
            output: {
                [key: string]: unknown;
            };
            /** Principal */
            principal: string;
            prompt: components["schemas"]["PromptRecord"];
            /** Provider */
            provider: string;
            /** Request Id */
            request_id: string | null;
            /**
             * Surface
             * @enum {string}
             */
            surface: "suggestion" | "answer" | "summary";
            usage: components["schemas"]["UsageRecord"];
        };
        /** NeedIn */
        NeedIn: {
            /** Group */
            group: string;
            /**
             * Interval Start
             * Format: date-time
             */
            interval_start: string;
            /** Required */
            required: number;
        };
        /**
         * NextBestAction
         * @description What the agent should do in the tools (not say), with where that comes from.
         *
         *     ``kind`` is ``resolution`` (what the agent of a similar past case did) or ``procedure`` (the first
         *     step of the procedure triage names). The agent decides; the copilot never acts.
         */
        NextBestAction: {
            /** Action */
            action: string;
            /**
             * Kind
             * @enum {string}
             */
            kind: "resolution" | "procedure";
            /**
             * Quote
             * @default
             */
            quote: string;
            /** Source */
            source: string;
            /**
             * Source Title
             * @default
             */
            source_title: string;
        };
        /** PassageOut */
        PassageOut: {
            /** Chunk Index */
            chunk_index: number;
            /** Heading */
            heading: string;
            /** Score */
            score: number;
            /** Text */
            text: string;
        };
        /**
         * Problem
         * @description An RFC 9457 problem document.
         */
        Problem: {
            /**
             * Detail
             * @description What went wrong with this request, and how to fix it.
             */
            detail: string;
            /**
             * Instance
             * @description The request path.
             */
            instance: string;
            /**
             * Request Id
             * @description Quote it when reporting a problem.
             * @default null
             */
            request_id: string | null;
            /** Status */
            status: number;
            /**
             * Title
             * @description Short, stable summary of the kind of problem.
             */
            title: string;
            /**
             * Type
             * @description Stable URI naming the kind of problem.
             */
            type: string;
        } & {
            [key: string]: unknown;
        };
        /** PromptRecord */
        PromptRecord: {
            /** Id */
            id: string;
            /** Version */
            version: string;
        };
        /** PromptRef */
        PromptRef: {
            /** Id */
            id: string;
            /** Version */
            version: string;
        };
        /** QueueList */
        QueueList: {
            /** Queues */
            queues: components["schemas"]["QueueView"][];
            /** Rules Version */
            rules_version: string;
        };
        /** QueueSpecIn */
        QueueSpecIn: {
            /**
             * Aht Seconds
             * @default 300
             */
            aht_seconds: number;
            /**
             * Concurrency
             * @default 1
             */
            concurrency: number;
            /** Max Occupancy */
            max_occupancy?: number | null;
            /**
             * Patience Seconds
             * @description Set for Erlang A.
             */
            patience_seconds?: number | null;
            /**
             * Shrinkage
             * @default 0.3
             */
            shrinkage: number;
            /**
             * Target Service Level
             * @default 0.8
             */
            target_service_level: number;
            /**
             * Threshold Seconds
             * @default 20
             */
            threshold_seconds: number;
        };
        /** QueueView */
        QueueView: {
            /** Agents Available */
            agents_available: number;
            /** Answered In Target Today */
            answered_in_target_today: number;
            /** Id */
            id: string;
            /** Name */
            name: string;
            /** Oldest Wait S */
            oldest_wait_s: number;
            /** Service Level Today */
            service_level_today: number | null;
            /** Settled Today */
            settled_today: number;
            /** Target Wait S */
            target_wait_s: number;
            /** Waiting */
            waiting: number;
        };
        /** Readiness */
        Readiness: {
            /** Checks */
            checks: {
                [key: string]: components["schemas"]["CheckResult"];
            };
            /**
             * Status
             * @enum {string}
             */
            status: "ready" | "not_ready";
        };
        /**
         * ReadinessProblem
         * @description 503 from the readiness probe, with each check's result.
         */
        ReadinessProblem: {
            /** Checks */
            checks: {
                [key: string]: components["schemas"]["CheckResult"];
            };
            /**
             * Detail
             * @description What went wrong with this request, and how to fix it.
             */
            detail: string;
            /**
             * Instance
             * @description The request path.
             */
            instance: string;
            /**
             * Request Id
             * @description Quote it when reporting a problem.
             * @default null
             */
            request_id: string | null;
            /** Status */
            status: number;
            /**
             * Title
             * @description Short, stable summary of the kind of problem.
             */
            title: string;
            /**
             * Type
             * @description Stable URI naming the kind of problem.
             */
            type: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * ReindexJob
         * @description A full re-index: a new collection built from the sources, then the alias swapped.
         */
        ReindexJob: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Error
             * @description Why the job failed (details are in the logs).
             */
            error?: string | null;
            /** Finished At */
            finished_at?: string | null;
            /** Id */
            id: string;
            /**
             * Report
             * @description The ingest report once finished.
             */
            report?: {
                [key: string]: unknown;
            } | null;
            /** Requested By */
            requested_by: string;
            /** Started At */
            started_at?: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed";
        };
        /**
         * ReplyInput
         * @description Suggest-reply and answer input: the last turn must be the customer's.
         */
        ReplyInput: {
            /** Conversation */
            conversation: components["schemas"]["ConversationTurn"][];
            /** Customer Context */
            customer_context?: {
                [key: string]: string;
            } | null;
        };
        /** RequirementRow */
        RequirementRow: {
            /** Agents */
            agents: number;
            /** Contacts */
            contacts: number;
            /**
             * Interval Start
             * @description Local time, ISO 8601 without offset: 2024-01-01T09:00:00.
             */
            interval_start: string;
            /** Occupancy */
            occupancy: number;
            /** P Abandon */
            p_abandon: number;
            /** Scheduled */
            scheduled: number;
            /** Service Level */
            service_level: number;
            /** Workload Erlangs */
            workload_erlangs: number;
        };
        /** RequirementsIn */
        RequirementsIn: {
            /** Contacts */
            contacts: number[];
            /** Interval Minutes */
            interval_minutes: number;
            /** Interval Start */
            interval_start: string[];
            queue?: components["schemas"]["QueueSpecIn"];
        };
        /** RequirementsOut */
        RequirementsOut: {
            /**
             * Model
             * @enum {string}
             */
            model: "erlang_c" | "erlang_a";
            /** Rows */
            rows: components["schemas"]["RequirementRow"][];
        };
        /**
         * RiskScore
         * @description A risk the contact carries, with its calibrated probability and the threshold it was held to.
         */
        RiskScore: {
            /** Detected */
            detected: boolean;
            /** Probability */
            probability: number;
            /**
             * Risk
             * @enum {string}
             */
            risk: "scam_in_progress" | "unauthorised_activity" | "financial_difficulty" | "bereavement" | "vulnerability" | "complaint";
            /**
             * Source
             * @default model
             */
            source: string;
            /** Subtype */
            subtype?: string | null;
            /** Subtype Probability */
            subtype_probability?: number | null;
            /** Threshold */
            threshold: number;
        };
        /** RoutingDecision */
        RoutingDecision: {
            /** Agent Id */
            agent_id: string | null;
            /** Candidates */
            candidates: number;
            /** Flags */
            flags: string[];
            /** Priority */
            priority: number;
            /** Queue */
            queue: string;
            /** Reason */
            reason: string;
            /** Rule */
            rule: string;
            /** Score */
            score: number[] | null;
        };
        /** RulesIn */
        RulesIn: {
            /**
             * Lunch Minutes
             * @default 30
             */
            lunch_minutes: number;
            /**
             * Max Days In Row
             * @default 5
             */
            max_days_in_row: number;
            /**
             * Min Rest Hours
             * @default 11
             */
            min_rest_hours: number;
            /** Shift Hours */
            shift_hours?: number[];
            /**
             * Slot Minutes
             * @default 30
             * @enum {integer}
             */
            slot_minutes: 15 | 30 | 60;
            /** Start Times */
            start_times?: string[];
        };
        /** ScheduleIn */
        ScheduleIn: {
            /** Agents */
            agents: components["schemas"]["AgentIn"][];
            /** Requirement */
            requirement: components["schemas"]["NeedIn"][];
            rules?: components["schemas"]["RulesIn"];
            /**
             * Time Limit Seconds
             * @default 10
             */
            time_limit_seconds: number;
            /** Week Start */
            week_start?: string | null;
        };
        /** ScheduleOut */
        ScheduleOut: {
            /** Coverage */
            coverage: components["schemas"]["CoverageOut"][];
            /** Groups */
            groups: components["schemas"]["GroupOut"][];
            /** Shifts */
            shifts: components["schemas"]["ShiftOut"][];
            /** Shortfall Hours */
            shortfall_hours: number;
        };
        /** SearchHitOut */
        SearchHitOut: {
            audience: components["schemas"]["Audience"];
            /** Doc Id */
            doc_id: string;
            kind: components["schemas"]["DocumentKind"];
            /** Passages */
            passages: components["schemas"]["PassageOut"][];
            /** Score */
            score: number;
            /** Similarity */
            similarity: number;
            /** Tags */
            tags: string[];
            /** Title */
            title: string;
            /** Url */
            url: string | null;
        };
        /** SearchResponse */
        SearchResponse: {
            /**
             * Audience
             * @description Whose access filter applied.
             * @enum {string}
             */
            audience: "agent" | "customer";
            /** Results */
            results: components["schemas"]["SearchHitOut"][];
        };
        /** ShiftOut */
        ShiftOut: {
            /** Agent */
            agent: string;
            /**
             * End
             * @description Local time, ISO 8601 without offset: 2024-01-01T09:00:00.
             */
            end: string;
            /** Group */
            group: string;
            /** Lunch Start */
            lunch_start: string | null;
            /**
             * Start
             * @description Local time, ISO 8601 without offset: 2024-01-01T09:00:00.
             */
            start: string;
            /** Worked Hours */
            worked_hours: number;
        };
        /** SpecialDayIn */
        SpecialDayIn: {
            /**
             * Date
             * Format: date
             */
            date: string;
            /**
             * Label
             * @default
             */
            label: string;
            /**
             * Multiplier
             * @description 0 means closed.
             */
            multiplier: number;
            /** Queue */
            queue?: string | null;
        };
        /** StatusInput */
        StatusInput: {
            /**
             * Status
             * @enum {string}
             */
            status: "available" | "busy" | "away" | "offline";
        };
        /** Suggestion */
        Suggestion: {
            /** Citations */
            citations?: components["schemas"]["Citation"][];
            /** Confidence */
            confidence: number;
            /** Curated Answer Id */
            curated_answer_id?: string | null;
            /** Draft */
            draft: string;
            flags?: components["schemas"]["Flags"];
            handoff?: components["schemas"]["Handoff"];
            /**
             * Id
             * @default
             */
            id: string;
            /** Intent */
            intent?: string | null;
            /**
             * Latency Ms
             * @default 0
             */
            latency_ms: number;
            /** Model */
            model: string;
            next_best_action?: components["schemas"]["NextBestAction"] | null;
            prompt: components["schemas"]["PromptRef"];
            /** Provider */
            provider: string;
            triage?: components["schemas"]["TriageResult"] | null;
            usage?: components["schemas"]["UsageOut"];
        };
        /** Summary */
        Summary: {
            /** Actions Taken */
            actions_taken?: string[];
            /**
             * Customer Sentiment
             * @enum {string}
             */
            customer_sentiment: "positive" | "neutral" | "negative";
            /**
             * Id
             * @default
             */
            id: string;
            /** Issue */
            issue: string;
            /**
             * Latency Ms
             * @default 0
             */
            latency_ms: number;
            /** Model */
            model: string;
            /** Next Steps */
            next_steps?: string[];
            prompt: components["schemas"]["PromptRef"];
            /** Provider */
            provider: string;
            /**
             * Status
             * @enum {string}
             */
            status: "resolved" | "pending" | "escalated";
            /** Summary */
            summary: string;
            triage?: components["schemas"]["TriageResult"] | null;
            usage?: components["schemas"]["UsageOut"];
        };
        /** TransferInput */
        TransferInput: {
            /** Queue */
            queue: string;
            /**
             * Reason
             * @default
             */
            reason: string;
        };
        /**
         * TriageHandoff
         * @description Whether the contact needs a person (customer surface) or a specialist team (agent surface).
         */
        TriageHandoff: {
            /** Cause */
            cause?: string | null;
            /** Decided By */
            decided_by?: components["schemas"]["Decision"][];
            /** Needed */
            needed: boolean;
            /** Reason */
            reason?: ("customer_request" | "missing_knowledge" | "unsupported_request" | "policy_restriction" | "sensitive_topic" | "pending_clarification") | null;
        };
        /**
         * TriageInput
         * @description A conversation ending with the customer's turn, and the surface whose knowledge base counts.
         */
        TriageInput: {
            /** Conversation */
            conversation: components["schemas"]["ConversationTurn"][];
            /** Customer Context */
            customer_context?: {
                [key: string]: string;
            } | null;
            /**
             * Surface
             * @description Whose knowledge base decides `answerable`, and which handoffs apply.
             * @default customer
             * @enum {string}
             */
            surface: "customer" | "agent";
        };
        /**
         * TriageResult
         * @description Everything triage knows about one contact.
         *
         *     ``intent`` holds the top three intents, best first. ``risks`` lists every risk head's score, detected
         *     or not, so an auditor sees how close a contact came. ``procedure`` is the internal procedure that
         *     applies (agents only: the API never sends it to a customer).
         */
        TriageResult: {
            /** Answerable */
            answerable: boolean;
            /** Answerable Probability */
            answerable_probability: number;
            /** Area */
            area: string;
            handoff: components["schemas"]["TriageHandoff"];
            /** Intent */
            intent: components["schemas"]["IntentScore"][];
            /** Language */
            language: string;
            /** Language Confidence */
            language_confidence: number;
            /**
             * Latency Ms
             * @default 0
             */
            latency_ms: number;
            /** Model Version */
            model_version: string;
            /** Procedure */
            procedure?: string | null;
            /**
             * Request
             * @enum {string}
             */
            request: "question" | "action" | "advice" | "human" | "internal_info" | "third_party_data" | "unclear";
            /** Request Probability */
            request_probability: number;
            /** Risks */
            risks: components["schemas"]["RiskScore"][];
            /**
             * Surface
             * @enum {string}
             */
            surface: "agent" | "customer";
            /** Team */
            team?: string | null;
            /**
             * Urgency
             * @enum {string}
             */
            urgency: "now" | "today" | "routine";
            /** Urgency Probability */
            urgency_probability: number;
        };
        /** TurnOut */
        TurnOut: {
            /** Role */
            role: string;
            /** Text */
            text: string;
        };
        /** UsageOut */
        UsageOut: {
            /**
             * Completion Tokens
             * @default 0
             */
            completion_tokens: number;
            /**
             * Cost
             * @default 0
             */
            cost: number;
            /**
             * Prompt Tokens
             * @default 0
             */
            prompt_tokens: number;
        };
        /** UsageRecord */
        UsageRecord: {
            /** Completion Tokens */
            completion_tokens: number;
            /** Cost */
            cost: number;
            /** Prompt Tokens */
            prompt_tokens: number;
        };
        /**
         * ValidationProblem
         * @description A 422 problem listing each invalid field (at most 50; ``errors_truncated`` says if more).
         */
        ValidationProblem: {
            /**
             * Detail
             * @description What went wrong with this request, and how to fix it.
             */
            detail: string;
            /** Errors */
            errors?: components["schemas"]["FieldError"][];
            /**
             * Errors Truncated
             * @default false
             */
            errors_truncated: boolean;
            /**
             * Instance
             * @description The request path.
             */
            instance: string;
            /**
             * Request Id
             * @description Quote it when reporting a problem.
             * @default null
             */
            request_id: string | null;
            /** Status */
            status: number;
            /**
             * Title
             * @description Short, stable summary of the kind of problem.
             */
            title: string;
            /**
             * Type
             * @description Stable URI naming the kind of problem.
             */
            type: string;
        } & {
            [key: string]: unknown;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition. */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ReadinessProblem"];
                };
            };
        };
    };
    getAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentView"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentInput"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentView"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamAgentEvents: {
        parameters: {
            query?: {
                /** @description Resume after this sequence number. */
                after?: number | null;
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream; each event's data is the outbox record. */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                    "text/event-stream": unknown;
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putAgentStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StatusInput"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentView"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createAnswer: {
        parameters: {
            query?: {
                /** @description Stream with Server-Sent Events. */
                stream?: boolean | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnswerRequest"];
            };
        };
        responses: {
            /** @description The answer (or a handoff), stored as an interaction (its `id`). With `Accept: text/event-stream` or `?stream=true`: an SSE stream of `delta` events, then one `result` event (or an `error` event). */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Answer"];
                    "text/event-stream": {
                        /** @description JSON: `{"text": ...}` for `delta`; the full result with its `id` for `result`; a problem document for `error`. */
                        data: string;
                        /** @enum {string} */
                        event?: "delta" | "result" | "error";
                        id?: string;
                        retry?: number;
                    };
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listContacts: {
        parameters: {
            query?: {
                agent_id?: string | null;
                limit?: number;
                state?: ("waiting" | "offered" | "assigned" | "closed" | "abandoned" | "transferred")[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactList"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createContact: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContactInput"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactView"] | components["schemas"]["CustomerContactView"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactView"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    acceptContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactView"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    closeContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CloseInput"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactView"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    transferContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferInput"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactView"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvalRuns: {
        parameters: {
            query?: {
                /** @description How many runs (baselines come on top). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvalRuns"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FeedbackIn"];
            };
        };
        responses: {
            /** @description Stored; `Location` is the interaction it belongs to. */
            201: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackOut"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getInteraction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The `id` of a suggestion, answer or summary. */
                interaction_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InteractionOut"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    upsertDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The document's id. */
                doc_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DocumentUpsert"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentChange"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentChange"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The document's id. */
                doc_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    startReindex: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued; poll `Location`. */
            202: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReindexJob"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (see the problem's detail). */
            409: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReindexJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReindexJob"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource. */
            404: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchKnowledgeBase: {
        parameters: {
            query: {
                /** @description How many documents. */
                k?: number;
                /** @description Only these kinds. */
                kind?: components["schemas"]["DocumentKind"][] | null;
                /** @description The question. */
                q: string;
                /** @description Any of these tags. */
                tag?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchResponse"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createPlanningForecast: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ForecastIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ForecastOut"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createPlanningRequirements: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RequirementsIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RequirementsOut"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createPlanningSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleOut"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listQueues: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueList"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSuggestion: {
        parameters: {
            query?: {
                /** @description Stream with Server-Sent Events. */
                stream?: boolean | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplyInput"];
            };
        };
        responses: {
            /** @description The suggested reply, stored as an interaction (its `id`). With `Accept: text/event-stream` or `?stream=true`: an SSE stream of `delta` events, then one `result` event (or an `error` event). */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suggestion"];
                    "text/event-stream": {
                        /** @description JSON: `{"text": ...}` for `delta`; the full result with its `id` for `result`; a problem document for `error`. */
                        data: string;
                        /** @enum {string} */
                        event?: "delta" | "result" | "error";
                        id?: string;
                        retry?: number;
                    };
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSummary: {
        parameters: {
            query?: {
                /** @description Stream with Server-Sent Events. */
                stream?: boolean | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConversationInput"];
            };
        };
        responses: {
            /** @description The summary, stored as an interaction (its `id`). With `Accept: text/event-stream` or `?stream=true`: an SSE stream of `delta` events, then one `result` event (or an `error` event). */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Summary"];
                    "text/event-stream": {
                        /** @description JSON: `{"text": ...}` for `delta`; the full result with its `id` for `result`; a problem document for `error`. */
                        data: string;
                        /** @enum {string} */
                        event?: "delta" | "result" | "error";
                        id?: string;
                        retry?: number;
                    };
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTriage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TriageInput"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriageResult"];
                };
            };
            /** @description The body is not valid JSON or not UTF-8. */
            400: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or an unknown one. */
            401: {
                headers: {
                    "WWW-Authenticate": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key lacks the scope this operation needs. */
            403: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the limit. */
            413: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request does not match the schema; `errors` lists each field. */
            422: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ValidationProblem"];
                };
            };
            /** @description Over the key's rate limit. */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A bug; quote the request id. */
            500: {
                headers: {
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": string;
                    /** @description The request's id (the incoming one if it was sane). */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
