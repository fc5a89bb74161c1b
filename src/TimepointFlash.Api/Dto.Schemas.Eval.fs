namespace TimepointFlash.Api

open TimepointFlash

/// The OpenAPI schemas of the model comparison routes (the reference's Eval shapes plus our fields).
[<RequireQualifiedAccess>]
module EvalSchemas =
    let private s = ApiSchema.str
    let private ns = ApiSchema.nullable ApiSchema.str
    let private uuid = ApiSchema.formatted "uuid"

    let private modelConfig =
        ApiSchema.obj [ "model_id", ApiSchema.bounded 1 200; "provider", s; "label", s ] [ "model_id" ]

    let private request =
        ApiSchema.obj [
            "query", ApiSchema.bounded 3 500
            "models",
            ApiSchema.Array(ApiSchema.ref "EvalModelConfig", Some Eval.maxTargets)
            |> ApiSchema.describe "Models to compare (wins over presets and preset)."
            "presets",
            ApiSchema.Array(s, Some Eval.maxTargets)
            |> ApiSchema.describe "The deployment's generation presets to compare (wins over preset)."
            "preset",
            ApiSchema.enum Eval.modelSets
            |> ApiSchema.withDefault "A model set (GET /api/v1/eval/models)." (Encode.string "verified")
            "prompt_type", s |> ApiSchema.withDefault "Echoed." (Encode.string "text")
            "timeout_seconds",
            ApiSchema.intRange (int64 (fst Eval.timeoutBounds)) (int64 (snd Eval.timeoutBounds))
            |> ApiSchema.withDefault "The whole comparison ends within this long." (Encode.int 120)
        ] [ "query" ]

    let private result =
        ApiSchema.obj [
            "model_id", s
            "provider", s
            "label", s
            "success", ApiSchema.bool
            "status", ApiSchema.enum [ "completed"; "failed"; "timeout" ]
            "latency_ms", ApiSchema.int
            "output", ns
            "output_length", ApiSchema.int
            "output_preview", ns
            "error", ns
            "started_at", ApiSchema.formatted "date-time"
            "completed_at", ApiSchema.formatted "date-time"
            "tokens", ApiSchema.record [ "input", ApiSchema.int; "output", ApiSchema.int; "total", ApiSchema.int ]
            "models_used", ApiSchema.arr s
            "timepoint_id", ApiSchema.nullable uuid |> ApiSchema.describe "The scene the run generated."
            "scene",
            ApiSchema.nullable (
                ApiSchema.obj [
                    "slug", s
                    "year", ApiSchema.nullable ApiSchema.int
                    "location", ns
                    "characters", ApiSchema.int
                    "dialog_lines", ApiSchema.int
                ] [ "slug" ]
            )
        ] [ "model_id"; "provider"; "label"; "success"; "latency_ms"; "error" ]

    let private comparison =
        ApiSchema.obj [
            "query", s
            "prompt_type", s
            "timestamp", ApiSchema.formatted "date-time"
            "total_duration_ms", ApiSchema.int
            "models_tested", ApiSchema.int
            "results", ApiSchema.arr (ApiSchema.ref "EvalModelResult")
            "fastest_model", ns
            "slowest_model", ns
            "success_count", ApiSchema.int
            "failure_count", ApiSchema.int
            "success_rate", ApiSchema.Number(Some 0.0, Some 100.0)
            "latency_stats",
            ApiSchema.record [
                "min_ms", ApiSchema.int
                "max_ms", ApiSchema.int
                "avg_ms", ApiSchema.num
                "median_ms", ApiSchema.int
                "range_ms", ApiSchema.int
            ]
            "ranking", ApiSchema.arr s |> ApiSchema.describe "Successful model ids, fastest first."
        ] [
            "query"
            "results"
            "success_count"
            "failure_count"
            "success_rate"
            "ranking"
        ]

    /// The named schemas.
    let components: (string * ApiSchema) list = [
        "EvalModelConfig", modelConfig
        "EvalRequest", request
        "EvalModelResult", result
        "EvalComparison", comparison
        "EvalReport",
        ApiSchema.record [
            "comparison", ApiSchema.ref "EvalComparison"
            "report", s |> ApiSchema.describe "A 70-column plain-text report."
        ]
        "EvalModels",
        ApiSchema.record [
            "presets", ApiSchema.Map ApiSchema.int |> ApiSchema.describe "Each model set and its size."
            "models", ApiSchema.arr (ApiSchema.ref "EvalModelConfig")
            "generation_presets", ApiSchema.arr s
        ]
    ]
