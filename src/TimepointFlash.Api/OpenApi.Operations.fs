namespace TimepointFlash.Api

open TimepointFlash

/// What the OpenAPI document says about each API route: its parameters, body, answers and particular errors. The
/// route table (Routes.fs) attaches one of these to every API route; the errors a route's access class and body
/// imply are added by the document builder.
[<RequireQualifiedAccess>]
module Operations =
    let private d = OperationDoc.pending

    let private idParam =
        OperationDoc.path "id" (ApiSchema.formatted "uuid") "The timepoint's id (a non-UUID is answered 404)."

    let private fullParam =
        OperationDoc.query
            "full"
            (ApiSchema.bool
             |> ApiSchema.withDefault
                 "true: the whole scene; false: the summary fields with the scene parts null."
                 (Encode.bool true))
            "Whole scene (default) or the summary shape."

    let private includeImageParam =
        OperationDoc.query
            "include_image"
            (ApiSchema.bool
             |> ApiSchema.withDefault "true: image_base64 carries the stored image." (Encode.bool false))
            "Inline the image as base64 in image_base64 (null otherwise)."

    let private permanentParam =
        OperationDoc.query
            "permanent"
            (ApiSchema.bool
             |> ApiSchema.withDefault
                 "false: a soft delete (hidden at once, purged after PURGE_DELETED_AFTER_HOURS); true: deleted now."
                 (Encode.bool false))
            "Delete now and for good instead of a soft delete."

    let private notFound = 404, "No such timepoint."

    let private badQuery =
        422, "A query parameter is out of range or not one of its values."

    let private generateExample =
        Encode.obj [
            "query", Encode.string "signing of the declaration of independence"
            "generate_image", Encode.bool false
        ]

    let private navigateExample =
        Encode.obj [
            "units", Encode.int 10
            "unit", Encode.string "year"
            "background", Encode.bool false
        ]

    /// GET /health
    let health = {
        d with
            Description = "Liveness: answers without touching the database."
            Responses = [
                OperationDoc.jsonExample
                    200
                    "The process is up."
                    "Health"
                    (Encode.obj [
                        "status", Encode.string "healthy"
                        "version", Encode.string "2.1.0"
                        "database", Encode.bool true
                        "providers", Encode.obj [ "google", Encode.bool false; "openrouter", Encode.bool false ]
                        "engine", Encode.string "offline"
                    ])
            ]
    }

    /// GET /health/deep
    let deepHealth = {
        d with
            Description =
                "Like /health, with `database` from a real check within 5 seconds; `degraded` (still 200) when it fails."
            Responses = [ OperationDoc.json 200 "Healthy or degraded." "Health" ]
    }

    /// GET /api/v1/status
    let status = {
        d with
            Description = "API and app versions, the environment, the primary provider and its models."
            Responses = [ OperationDoc.json 200 "The status." "Status" ]
    }

    /// GET /api/v1/health
    let readiness = {
        d with
            Description = "Readiness: checks the database within 5 seconds and describes the engine."
            Responses = [
                OperationDoc.json 200 "Ready." "Readiness"
                OperationDoc.json 503 "The database did not answer." "Readiness"
            ]
    }

    /// POST /api/v1/timepoints/generate
    let generateBackground = {
        d with
            Description =
                "Queues a durable generation job and answers at once; follow it at events_url or poll the timepoint."
            Body = Some(ApiSchema.ref "GenerateRequest", generateExample)
            Responses = [ OperationDoc.json 200 "The job is queued." "GenerateAccepted" ]
    }

    /// POST /api/v1/timepoints/generate/sync
    let generateSync = {
        d with
            Description =
                "Runs the pipeline now and answers with the saved timepoint; a rejected or failed run is 200 with status failed."
            Body = Some(ApiSchema.ref "GenerateRequest", generateExample)
            Responses = [ OperationDoc.json 200 "The saved timepoint (full)." "Timepoint" ]
    }

    /// POST /api/v1/timepoints/generate/stream
    let generateStream = {
        d with
            Description =
                "Runs the pipeline and streams its progress: each `data:` line is one JSON event (start, step_complete, step_waiting, step_error, then done or error); comment lines are heartbeats."
            Body = Some(ApiSchema.ref "GenerateRequest", generateExample)
            Responses = [
                OperationDoc.events "Server-sent events, one JSON object per data line." ApiSchemas.streamEvents
            ]
    }

    /// GET /api/v1/timepoints
    let listTimepoints = {
        d with
            Description = "Timepoints newest first, as summaries (scene parts null)."
            Parameters = [
                OperationDoc.query
                    "page"
                    (ApiSchema.intRange 1L 1_000_000L
                     |> ApiSchema.withDefault "1-based page." (Encode.int 1))
                    "Page number."
                OperationDoc.query
                    "page_size"
                    (ApiSchema.intRange 1L 100L
                     |> ApiSchema.withDefault "Items per page." (Encode.int 20))
                    "Items per page."
                OperationDoc.query
                    "status"
                    (ApiSchema.enum [ "pending"; "processing"; "completed"; "failed" ])
                    "Only timepoints with this status."
                OperationDoc.query "q" (ApiSchema.bounded 0 200) "Free-text search over query, location and slug."
                OperationDoc.query
                    "cursor"
                    ApiSchema.str
                    "A next_cursor from a previous answer: the items after it (page is then ignored); an unknown one is 422."
            ]
            Responses = [ OperationDoc.json 200 "A page of timepoints." "TimepointPage" ]
            Errors = [ badQuery ]
    }

    /// GET /api/v1/timepoints/slug/{slug}
    let getTimepointBySlug = {
        d with
            Parameters = [ OperationDoc.path "slug" ApiSchema.str "The timepoint's slug."; fullParam ]
            Responses = [
                OperationDoc.json 200 "The timepoint (with an ETag)." "Timepoint"
                OperationDoc.empty 304 "Unchanged since the ETag sent in If-None-Match."
            ]
            Errors = [ notFound; badQuery ]
    }

    /// GET /api/v1/timepoints/{id}
    let getTimepoint = {
        d with
            Parameters = [ idParam; fullParam; includeImageParam ]
            Responses = [
                OperationDoc.json 200 "The timepoint (with an ETag)." "Timepoint"
                OperationDoc.empty 304 "Unchanged since the ETag sent in If-None-Match."
            ]
            Errors = [ notFound; badQuery ]
    }

    /// GET /api/v1/timepoints/{id}/image
    let getTimepointImage = {
        d with
            Parameters = [ idParam ]
            Responses = [
                OperationDoc.bytes 200 "The image as stored (PNG)." "image/png"
                OperationDoc.bytes 200 "The image as stored (JPEG)." "image/jpeg"
                OperationDoc.bytes 200 "The image as stored (WebP)." "image/webp"
                OperationDoc.bytes 200 "The offline engine's scene card." "image/svg+xml"
            ]
            Errors = [ 404, "No such timepoint, or it has no image." ]
    }

    /// GET /api/v1/timepoints/{id}/events
    let followTimepoint = {
        d with
            Description =
                "The history of a background job's steps, then its live progress, then done (or error); the same events as the generate stream."
            Parameters = [ idParam ]
            Responses = [
                OperationDoc.events "Server-sent events, one JSON object per data line." ApiSchemas.streamEvents
            ]
            Errors = [ notFound ]
    }

    /// DELETE /api/v1/timepoints/{id}
    let deleteTimepoint = {
        d with
            Description =
                "A soft delete by default: the scene is 404 everywhere at once (reads, lists, sequences, exports, other replicas) and the purge deletes it for good later; deleting a soft-deleted scene again succeeds. permanent=true deletes it now with its logs, image, jobs, chat sessions and webhook deliveries; its children keep existing without a parent."
            Parameters = [ idParam; permanentParam ]
            Responses = [ OperationDoc.json 200 "Deleted." "Deleted" ]
            Errors = [ notFound; badQuery ]
    }

    let private navigate (way: string) = {
        d with
            Description =
                $"Generates the moment {way} the source by the given step, linked to it in a sequence; with background=true the new moment is queued."
            Parameters = [ idParam ]
            Body = Some(ApiSchema.ref "NavigateRequest", navigateExample)
            Responses = [ OperationDoc.json 200 "The new moment's reference." "NavigationResult" ]
            Errors = [
                404, "No such source timepoint."
                400, "The source is not completed."
                422, "The body is invalid, or the target date cannot be reached from the source."
            ]
    }

    /// POST /api/v1/temporal/{id}/next
    let navigateNext = navigate "after"

    /// POST /api/v1/temporal/{id}/prior
    let navigatePrior = navigate "before"

    /// GET /api/v1/temporal/{id}/sequence
    let sequence = {
        d with
            Parameters = [
                idParam
                OperationDoc.query
                    "direction"
                    (ApiSchema.enum [ "prior"; "next"; "both" ]
                     |> ApiSchema.withDefault "Which side of the center." (Encode.string "both"))
                    "Which linked scenes to list."
                OperationDoc.query
                    "limit"
                    (ApiSchema.intRange 1L 50L
                     |> ApiSchema.withDefault "Most scenes per side." (Encode.int 10))
                    "Most scenes per side."
            ]
            Responses = [ OperationDoc.json 200 "The center and its linked scenes." "Sequence" ]
            Errors = [ notFound; badQuery ]
    }

    /// GET /api/v1/models
    let listModels = {
        d with
            Parameters = [
                OperationDoc.query "provider" ApiSchema.str "Only models of this provider."
                OperationDoc.query
                    "capability"
                    ApiSchema.str
                    "Only models with this capability (text, vision, image_generation)."
                OperationDoc.query
                    "fetch_remote"
                    (ApiSchema.bool
                     |> ApiSchema.withDefault "Merge the provider's live catalogue." (Encode.bool false))
                    "Also list the remote catalogue."
            ]
            Responses = [ OperationDoc.json 200 "The models." "ModelList" ]
            Errors = [ badQuery ]
    }

    /// GET /api/v1/presets
    let listPresets = {
        d with
            Responses = [ OperationDoc.json 200 "The presets and the default." "Presets" ]
    }

    /// GET /api/v1/models/providers
    let listProviders = {
        d with
            Description = "The engine's settings; `providers` is the list the reference's clients read."
            Responses = [ OperationDoc.json 200 "The providers." "Providers" ]
    }

    /// GET /api/v1/models/free
    let listFreeModels = {
        d with
            Responses = [ OperationDoc.json 200 "The free models of the catalogue." "FreeModels" ]
    }

    /// GET /api/v1/models/{model_id}
    let getModel = {
        d with
            Parameters = [
                OperationDoc.path "model_id" ApiSchema.str "The model id; it may contain slashes (sent unescaped)."
            ]
            Responses = [ OperationDoc.json 200 "The model." "ModelInfo" ]
            Errors = [ 404, "No such model." ]
    }

    /// GET /api/v1/timepoints/{id}/tdf
    let tdf = {
        d with
            Description =
                "The reference's canonical record: the scene as one payload, provenance, and tdf_hash, the SHA-256 of the payload's canonical JSON (sorted keys, \", \" and \": \" separators, non-ASCII escaped); the same scene always has the same hash."
            Parameters = [ idParam ]
            Responses = [ OperationDoc.json 200 "The record." "TdfRecord" ]
            Errors = [ notFound ]
    }

    /// GET /api/v1/timepoints/{id}/export
    let export = {
        d with
            Description =
                "A download (Content-Disposition: attachment): the full timepoint as JSON, a Markdown document, or a self-contained HTML page with the image inlined."
            Parameters = [
                idParam
                OperationDoc.query
                    "format"
                    (ApiSchema.enum [ "json"; "markdown"; "html" ]
                     |> ApiSchema.withDefault "The file format." (Encode.string "json"))
                    "The file format."
            ]
            Responses = [
                OperationDoc.json 200 "The export." "Timepoint"
                OperationDoc.bytes 200 "The export." "text/markdown"
                OperationDoc.bytes 200 "The export." "text/html"
            ]
            Errors = [ notFound; badQuery ]
    }

    let private evalExample =
        Encode.obj [
            "query", Encode.string "signing of the declaration of independence"
            "preset", Encode.string "verified"
            "timeout_seconds", Encode.int 120
        ]

    /// GET /api/v1/eval/models
    let evalModels = {
        d with
            Description =
                "The model sets a comparison can run (verified: what the deployment's presets plan; google_native, openrouter: that provider's models; all), the models of `all`, and the deployment's presets."
            Responses = [ OperationDoc.json 200 "The sets and models." "EvalModels" ]
    }

    let private evalErrors = [
        422, "The body is invalid, or the chosen model set is empty on this deployment."
    ]

    /// POST /api/v1/eval/compare
    let evalCompare = {
        d with
            Description =
                "Generates the same query with each model (or preset) through the pipeline, at most 4 at once, the whole comparison bounded by timeout_seconds; each result links to the scene it generated. A failed or timed-out run is a failed result (still 200)."
            Body = Some(ApiSchema.ref "EvalRequest", evalExample)
            Responses = [ OperationDoc.json 200 "The comparison." "EvalComparison" ]
            Errors = evalErrors
    }

    /// POST /api/v1/eval/compare/report
    let evalReport = {
        d with
            Description = "As /eval/compare, with a 70-column plain-text report ranking speed and success."
            Body = Some(ApiSchema.ref "EvalRequest", evalExample)
            Responses = [ OperationDoc.json 200 "The comparison and its report." "EvalReport" ]
            Errors = evalErrors
    }
