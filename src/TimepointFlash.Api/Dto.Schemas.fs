namespace TimepointFlash.Api

open TimepointFlash

/// The named schemas of the OpenAPI document: request bodies beside their decoders (Dto), answers beside their
/// encoders' field lists. Objects stay open (extra properties allowed) so a new field is never a breaking change.
[<RequireQualifiedAccess>]
module ApiSchemas =
    let private s = ApiSchema.str
    let private ns = ApiSchema.nullable ApiSchema.str
    let private ni = ApiSchema.nullable ApiSchema.int
    let private uuid = ApiSchema.formatted "uuid"
    let private strings = ApiSchema.arr ApiSchema.str
    let private statuses = [ "pending"; "processing"; "completed"; "failed" ]

    /// The generation control fields the generate and navigation bodies share (docs/API.md "Generation control").
    let private controlFields = [
        "preset",
        ApiSchema.str
        |> ApiSchema.describe "A preset name (GET /api/v1/presets); the default otherwise."
        "text_model",
        ApiSchema.bounded 1 200
        |> ApiSchema.describe "Replaces the preset's creative model."
        "image_model",
        ApiSchema.bounded 1 200
        |> ApiSchema.describe "Replaces the preset's image model."
        "model_policy",
        ApiSchema.enum [ "any"; "permissive" ]
        |> ApiSchema.describe "permissive: open-weight models only (a proprietary model is a 422)."
        "llm_params",
        ApiSchema.obj [] []
        |> ApiSchema.describe "Sampling and prompt settings, each within its range."
        "grounding",
        ApiSchema.enum (GroundingMode.all |> List.map GroundingMode.name)
        |> ApiSchema.describe
            "Check a real event against sources: auto (when the provider can search), on (always; a provider that cannot search records a failed step) or off; the deployment's GROUNDING otherwise."
    ]

    /// Request body of the three generate endpoints.
    let generateRequest =
        ApiSchema.obj [
            "query",
            ApiSchema.bounded (fst Dto.queryLength) (snd Dto.queryLength)
            |> ApiSchema.example
                "The moment to render: 3–500 characters after trimming, no control characters."
                (Encode.string "signing of the declaration of independence")
            "generate_image",
            ApiSchema.bool
            |> ApiSchema.withDefault "Also render the scene's image." (Encode.bool false)
            "callback_url",
            ApiSchema.formatted "uri"
            |> ApiSchema.describe
                "Background runs only: POSTed the result when the run ends (https, public hosts; the SSRF rules apply)."
            "request_context",
            ApiSchema.obj [] []
            |> ApiSchema.describe "Echoed back in the callback's body; needs callback_url."
            yield! controlFields
        ] [ "query" ]

    /// Request body of next/prior navigation.
    let navigateRequest =
        ApiSchema.obj [
            "units",
            ApiSchema.intRange 1L 365L
            |> ApiSchema.withDefault "How many units to step." (Encode.int 1)
            "unit",
            ApiSchema.enum [ "second"; "minute"; "hour"; "day"; "week"; "month"; "year" ]
            |> ApiSchema.withDefault "The unit of the step." (Encode.string "day")
            "background",
            ApiSchema.bool
            |> ApiSchema.withDefault
                "Queue the new moment as a durable job and answer at once (follow it at its events URL)."
                (Encode.bool false)
            "callback_url",
            ApiSchema.formatted "uri"
            |> ApiSchema.describe
                "Background runs only: POSTed the result when the run ends (https, public hosts; the SSRF rules apply)."
            "request_context",
            ApiSchema.obj [] []
            |> ApiSchema.describe "Echoed back in the callback's body; needs callback_url."
            yield! controlFields
        ] []

    /// A problem details body (RFC 9457) with the reference's `error` member.
    let problem =
        ApiSchema.obj [
            "type", ApiSchema.str
            "title", ApiSchema.str
            "status", ApiSchema.intRange 100L 599L
            "detail", ApiSchema.str
            "error",
            ApiSchema.str
            |> ApiSchema.describe "The same text as detail, where the reference's clients read it."
            "errors",
            ApiSchema.arr (ApiSchema.record [ "field", ApiSchema.str; "message", ApiSchema.str ])
            |> ApiSchema.describe "Field errors of an invalid request."
        ] [ "type"; "title"; "status"; "detail"; "error" ]

    let private character =
        ApiSchema.obj [
            "name", s
            "role", ApiSchema.enum [ "primary"; "secondary"; "background" ]
            "description", s
            "clothing", ns
            "expression", ns
            "pose", ns
            "action", ns
            "position_in_scene", ns
            "age_description", ns
            "historical_note", ns
            "speaks_in_scene", ApiSchema.bool
            "personality", ns
            "speaking_style", ns
            "voice_notes", ns
            "emotional_state", ns
            "birth_year", ApiSchema.nullable ApiSchema.int |> ApiSchema.describe "Negative for BCE."
            "death_year", ApiSchema.nullable ApiSchema.int |> ApiSchema.describe "Negative for BCE."
        ] [ "name"; "role" ]

    let private dialogLine =
        ApiSchema.obj [
            "speaker", s
            "text", s
            "tone", ns
            "is_whispered", ApiSchema.bool
            "action", ns
            "direction", ns
            "response_to", ns
        ] [ "speaker"; "text" ]

    let private moment =
        ApiSchema.obj [
            "plot_summary", s
            "before_context", ns
            "after_context", ns
            "stakes", s
            "consequences", ns
            "tension_arc", s
            "emotional_beats", strings
            "conflict_type", ns
            "central_question", ns
            "dramatic_irony", ns
            "historical_significance", ns
        ] [ "plot_summary" ]

    let private characterData =
        ApiSchema.obj [
            "characters", ApiSchema.arr (ApiSchema.ref "Character")
            "focal_character", ns
            "group_dynamics", ns
            "historical_accuracy_note", ns
        ] [ "characters" ]

    let private scene =
        ApiSchema.obj [ "setting", s; "atmosphere", s; "objects", strings; "color_palette", strings ] []
        |> ApiSchema.describe
            "The physical scene: setting, atmosphere, weather, lighting, objects, sensory details, mood."

    let private metadata =
        ApiSchema.obj [
            "judge", ApiSchema.nullable (ApiSchema.obj [] [])
            "timeline", ApiSchema.nullable (ApiSchema.obj [] [])
            "scene", ApiSchema.nullable (ApiSchema.ref "SceneData")
            "characters", ApiSchema.nullable (ApiSchema.ref "CharacterData")
            "moment", ApiSchema.nullable (ApiSchema.ref "MomentData")
            "dialog", ApiSchema.nullable (ApiSchema.obj [ "lines", ApiSchema.arr (ApiSchema.ref "DialogLine") ] [])
            "camera", ApiSchema.nullable (ApiSchema.obj [] [])
            "graph", ApiSchema.nullable (ApiSchema.obj [] [])
            "critique", ApiSchema.nullable (ApiSchema.obj [] [])
            "image_prompt", ApiSchema.nullable (ApiSchema.obj [] [])
            "image_prompt_data",
            ApiSchema.nullable (ApiSchema.obj [] [])
            |> ApiSchema.describe "The image prompt's parts (the reference's name for image_prompt)."
            "anachronisms", ApiSchema.arr (ApiSchema.obj [] [])
            "grounding", ApiSchema.nullable (ApiSchema.ref "Grounding")
            "grounding_status", ApiSchema.nullable (ApiSchema.ref "GroundingStatus")
        ] []
        |> ApiSchema.describe "Every agent's output as stored, and the anachronism findings."

    let private grounding =
        ApiSchema.obj [
            "verified_date", ns
            "verified_location", ns
            "participants", strings
            "facts", strings
            "sources",
            ApiSchema.arr (ApiSchema.record [ "title", s; "url", s ])
            |> ApiSchema.describe "The pages the provider's search cited (or the curated entry offline)."
            "confidence", ApiSchema.num
        ] [ "participants"; "facts"; "sources"; "confidence" ]
        |> ApiSchema.describe "What grounding verified about a real event."

    let private groundingStatus =
        ApiSchema.obj [
            "mode", ApiSchema.enum (GroundingMode.all |> List.map GroundingMode.name)
            "state", ApiSchema.enum (GroundingState.all |> List.map GroundingState.name)
            "provider", ns
            "method", ApiSchema.nullable (ApiSchema.enum [ "google_search"; "web_plugin"; "curated"; "caller_model" ])
            "reason",
            ns
            |> ApiSchema.describe "Why grounding was skipped, failed, off or not applicable."
            "queries",
            strings
            |> ApiSchema.describe "The searches the provider ran, when it reported them."
        ] [ "mode"; "state"; "queries" ]
        |> ApiSchema.describe "How grounding went for this generation."

    /// A timepoint: the summary fields always, the scene, characters, dialog, moment, calendars and metadata with
    /// `full=true` (null otherwise).
    let timepoint =
        ApiSchema.obj [
            "id", uuid
            "query", s
            "slug", s
            "status", ApiSchema.enum statuses
            "year", ni |> ApiSchema.describe "Negative for BCE."
            "month", ApiSchema.nullable (ApiSchema.intRange 1L 12L)
            "day", ApiSchema.nullable (ApiSchema.intRange 1L 31L)
            "hour", ApiSchema.nullable (ApiSchema.intRange 0L 23L)
            "minute", ApiSchema.nullable (ApiSchema.intRange 0L 59L)
            "season", ns
            "time_of_day", ns
            "era", ns
            "location", ns
            "calendar", ApiSchema.nullable (ApiSchema.enum [ "julian"; "gregorian" ])
            "region", ns
            "dual_year", ns
            "generate_image", ApiSchema.bool
            "image_prompt", ns
            "image_url", ApiSchema.nullable (ApiSchema.formatted "uri-reference")
            "has_image", ApiSchema.bool
            "image_error", ns
            "error", ns
            "error_kind", ns
            "error_provider_kind",
            ApiSchema.nullable ApiSchema.str
            |> ApiSchema.describe
                "For a provider failure, what the provider reported (rate_limited, quota_exhausted, …)."
            "error_step", ns
            "suggested_query", ns
            "parent_id", ApiSchema.nullable uuid
            "preset_used", ns |> ApiSchema.describe "The generation preset that ran (provenance)."
            "text_model_used", ns |> ApiSchema.describe "The text model of the scene's creative steps."
            "image_model_used", ns |> ApiSchema.describe "The image model, when an image was drawn."
            "model_provider",
            ns
            |> ApiSchema.describe "The provider that answered (offline, gemini, openrouter, …)."
            "model_permissiveness",
            ns
            |> ApiSchema.describe "Whether the models used are open-weight (permissive) or proprietary."
            "generation_time_ms", ni |> ApiSchema.describe "Wall-clock time of the generation in milliseconds."
            "created_at", ApiSchema.formatted "date-time"
            "updated_at", ApiSchema.formatted "date-time"
            "image_base64",
            ApiSchema.nullable ApiSchema.str
            |> ApiSchema.describe "The image, base64 without a data: prefix, with include_image=true (null otherwise)."
            "is_deleted",
            ApiSchema.bool
            |> ApiSchema.describe "Always false: soft-deleted scenes are not served."
            "sequence_id", ApiSchema.nullable uuid
            "render_type", ApiSchema.enum [ "image" ]
            "generation_version", ApiSchema.int
            "tags", ApiSchema.nullable strings
            "visibility", ApiSchema.enum [ "public"; "private" ]
            "share_url", ns
            "blob_folder_name", ns
            "blob_path", ns
            "blob_written_at", ns
            "request_context", ApiSchema.nullable (ApiSchema.obj [] [])
            "scene", ApiSchema.nullable (ApiSchema.ref "SceneData")
            "characters", ApiSchema.nullable (ApiSchema.ref "CharacterData")
            "dialog", ApiSchema.nullable (ApiSchema.arr (ApiSchema.ref "DialogLine"))
            "moment", ApiSchema.nullable (ApiSchema.ref "MomentData")
            "calendars", ApiSchema.nullable (ApiSchema.obj [] [])
            "metadata", ApiSchema.nullable (ApiSchema.ref "TimepointMetadata")
            "grounding", ApiSchema.nullable (ApiSchema.ref "Grounding")
            "grounding_status", ApiSchema.nullable (ApiSchema.ref "GroundingStatus")
        ] [ "id"; "query"; "slug"; "status"; "has_image"; "created_at" ]

    let private link =
        ApiSchema.obj [
            "id", uuid
            "slug", s
            "year", ni
            "date", ns
            "location", ns
            "status", ApiSchema.enum statuses
            "parent_id", ApiSchema.nullable uuid
        ] [ "id"; "slug"; "status" ]

    let private modelInfo =
        ApiSchema.obj [
            "id", s
            "name", s
            "provider", s
            "capabilities", strings
            "context_length", ni
            "pricing",
            ApiSchema.nullable (
                ApiSchema.obj [
                    "prompt", ApiSchema.nullable ApiSchema.num
                    "completion", ApiSchema.nullable ApiSchema.num
                ] []
            )
            "is_available", ApiSchema.bool
        ] [ "id"; "name"; "provider"; "capabilities" ]

    let private providerInfo =
        ApiSchema.obj [
            "provider", s
            "available", ApiSchema.bool
            "models_count", ApiSchema.int
            "default_text_model", ns
            "default_image_model", ns
        ] [ "provider"; "available"; "models_count" ]

    let private envelope (event: string) (step: ApiSchema) (data: ApiSchema) =
        ApiSchema.record [
            "event", ApiSchema.enum [ event ]
            "step", step
            "data", data
            "progress", ApiSchema.intRange 0L 100L
            "error", ns
        ]

    /// The named schemas of the generation, timepoint, model and health routes.
    let private generationComponents: (string * ApiSchema) list = [
        "Problem", problem
        "GenerateRequest", generateRequest
        "NavigateRequest", navigateRequest
        "Timepoint", timepoint
        "Character", character
        "CharacterData", characterData
        "DialogLine", dialogLine
        "MomentData", moment
        "SceneData", scene
        "TimepointMetadata", metadata
        "Grounding", grounding
        "GroundingStatus", groundingStatus
        "TimepointPage",
        ApiSchema.record [
            "items", ApiSchema.arr (ApiSchema.ref "Timepoint")
            "total", ApiSchema.int
            "page", ApiSchema.intRange 1L 1_000_000L
            "page_size", ApiSchema.intRange 1L 100L
            "next_cursor",
            ApiSchema.nullable ApiSchema.str
            |> ApiSchema.describe "Pass as cursor for the next page; null on the last page."
        ]
        "GenerateAccepted",
        ApiSchema.record [
            "id", uuid
            "slug", s
            "status", ApiSchema.enum [ "processing" ]
            "message", s
            "events_url", ApiSchema.formatted "uri-reference"
        ]
        "Deleted",
        ApiSchema.record [
            "id", uuid
            "deleted", ApiSchema.bool
            "permanent",
            ApiSchema.bool
            |> ApiSchema.describe "False for a soft delete (hidden at once, purged later)."
            "message", s
        ]
        "NavigationResult",
        ApiSchema.obj [
            "source_id", uuid
            "target_id", uuid
            "source_year", ni
            "target_year", ni
            "target_date", ns
            "target_slug", s
            "target_status", ApiSchema.enum statuses
            "direction", ApiSchema.enum [ "next"; "prior" ]
            "units", ApiSchema.intRange 1L 365L
            "unit", s
            "message", s
        ] [ "source_id"; "target_id"; "direction"; "units"; "unit"; "message" ]
        "SequenceLink", link
        "TdfRecord",
        ApiSchema.record [
            "id", uuid
            "version", s
            "source", ApiSchema.enum [ "flash" ]
            "timestamp", ns
            "provenance",
            ApiSchema.obj [
                "generator", s
                "run_id", ns
                "confidence", ApiSchema.nullable ApiSchema.num
                "flash_id", uuid
            ] [ "generator"; "flash_id" ]
            "payload", ApiSchema.obj [ "query", s; "slug", s ] [ "query"; "slug" ]
            "tdf_hash",
            ApiSchema.String(Some 64, Some 64, None)
            |> ApiSchema.describe "SHA-256 (hex) of the payload's canonical JSON."
            "entity_ids", ApiSchema.nullable strings
        ]
        "Sequence",
        ApiSchema.record [
            "center", ApiSchema.ref "SequenceLink"
            "prior", ApiSchema.arr (ApiSchema.ref "SequenceLink")
            "next", ApiSchema.arr (ApiSchema.ref "SequenceLink")
        ]
        "Health",
        ApiSchema.obj [
            "status", ApiSchema.enum [ "healthy"; "degraded" ]
            "version", s
            "database",
            ApiSchema.bool
            |> ApiSchema.describe "Whether the database answers (/health/deep checks it)."
            "providers",
            ApiSchema.Map ApiSchema.bool
            |> ApiSchema.describe "Each provider and whether it is configured."
            "engine", s
        ] [ "status"; "version"; "database"; "providers" ]
        "Status",
        ApiSchema.record [
            "api_version", ApiSchema.enum [ "v1" ]
            "app_version", s
            "environment", s
            "primary_provider", s
            "models", ApiSchema.record [ "judge", ns; "creative", ns; "image", ns ]
        ]
        "Readiness",
        ApiSchema.obj [
            "status", ApiSchema.enum [ "ready"; "unavailable" ]
            "version", s
            "environment", s
            "database", ApiSchema.bool
            "engine", s
            "offline", ApiSchema.bool
            "providers", ApiSchema.ref "Providers"
        ] [ "status"; "database"; "engine" ]
        "ModelInfo", modelInfo
        "ModelList",
        ApiSchema.record [
            "models", ApiSchema.arr (ApiSchema.ref "ModelInfo")
            "total", ApiSchema.int
            "cached", ApiSchema.bool
        ]
        "ProviderInfo", providerInfo
        "Providers",
        ApiSchema.obj [
            "engine", s
            "primary", ns
            "fallback", ns
            "providers", ApiSchema.arr (ApiSchema.ref "ProviderInfo")
            "timeout_seconds", ApiSchema.num
            "max_retries", ApiSchema.int
        ] [ "engine"; "providers" ]
        "FreeModels",
        ApiSchema.record [
            "best", ApiSchema.nullable (ApiSchema.ref "ModelInfo")
            "fastest", ApiSchema.nullable (ApiSchema.ref "ModelInfo")
            "all_free", ApiSchema.arr (ApiSchema.ref "ModelInfo")
            "total", ApiSchema.int
            "note", s
        ]
        "Presets",
        ApiSchema.obj [] []
        |> ApiSchema.describe "The presets with their models per provider, and the default."
        "StreamStart",
        envelope "start" (ApiSchema.enum [ "initialization" ]) (ApiSchema.record [ "query", s; "timepoint_id", uuid ])
        "StepComplete",
        envelope
            "step_complete"
            s
            (ApiSchema.obj [
                "latency_ms", ni
                "model_used", ns
                "provider", ns
                "input_tokens", ni
                "output_tokens", ni
                "attempts", ni
            ] [])
        "StepError", envelope "step_error" s (ApiSchema.obj [ "error_kind", ns; "provider_kind", ns ] [])
        "StepWaiting",
        envelope
            "step_waiting"
            s
            (ApiSchema.obj [
                "state", ApiSchema.enum [ "waiting for provider budget" ]
                "provider", ns
                "model_used", ns
                "wait_ms", ni
            ] [])
        |> ApiSchema.describe "A model call of the step waits for provider budget (PROVIDER_LIMITS) before it goes out."
        "StreamDone",
        envelope
            "done"
            (ApiSchema.enum [ "complete" ])
            (ApiSchema.obj [
                "timepoint_id", uuid
                "slug", s
                "status", ApiSchema.enum statuses
                "year", ni
                "location", ns
                "total_latency_ms", ApiSchema.int
                "has_image", ApiSchema.bool
                "image_error", ns
                "error", ns
                "error_kind", ns
                "error_provider_kind", ns
                "suggested_query", ns
                "saved", ApiSchema.bool
            ] [ "timepoint_id"; "slug"; "status"; "saved" ])
        "StreamError",
        envelope
            "error"
            (ApiSchema.nullable ApiSchema.str)
            (ApiSchema.nullable (ApiSchema.obj [ "status", ApiSchema.int; "retry_after", ni ] []))
    ]

    /// Every named schema of the document: the generation routes' and the interaction routes'.
    let components =
        generationComponents @ InteractSchemas.components @ EvalSchemas.components

    /// The event schemas of a generation stream, in the order a run sends them.
    let streamEvents = [
        "StreamStart"
        "StepComplete"
        "StepWaiting"
        "StepError"
        "StreamDone"
        "StreamError"
    ]
