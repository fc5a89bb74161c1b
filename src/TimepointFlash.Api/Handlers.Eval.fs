namespace TimepointFlash.Api

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash

/// Model comparison: the models and sets a comparison can run, and the comparison itself (JSON or with a report).
[<RequireQualifiedAccess>]
module EvalHandlers =
    /// The deployment's text models a comparison can use (its available providers'; the offline engine included).
    let private textModels (deps: ApiDeps) (ct: CancellationToken) = task {
        let! all, _ = deps.Engine.ListModels false ct
        return Eval.textTargets all
    }

    let private setTargets (deps: ApiDeps) models set =
        Eval.setTargets deps.App.Presets models set

    let private modelJson (t: EvalTarget) =
        Encode.obj [
            "model_id", Encode.string t.Id
            "provider", Encode.string t.Provider
            "label", Encode.string t.Label
        ]

    /// GET /api/v1/eval/models — the sets with their sizes, the models of `all`, and the deployment's presets.
    let models (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let! all = textModels deps ctx.RequestAborted

        return
            Http.ok (
                Encode.obj [
                    "presets",
                    Encode.obj [
                        for set in Eval.modelSets -> set, Encode.int (setTargets deps all set).Length
                    ]
                    "models", Encode.list modelJson all
                    "generation_presets", Encode.list Encode.string deps.App.Presets.Names
                ]
            )
    }

    let private run (deps: ApiDeps) (ctx: HttpContext) (answer: EvalComparison -> JsonNode) =
        ctx
        |> Http.bindJson (EvalDto.body deps.App.Presets.Names) (fun body -> task {
            let! all = textModels deps ctx.RequestAborted

            let targets =
                match body.Choice with
                | EvalChoice.Models ms -> ms |> List.map (fun m -> Eval.modelTarget m.ModelId m.Provider m.Label)
                | EvalChoice.Presets ps -> ps |> List.map (Eval.presetTarget deps.App.Presets)
                | EvalChoice.Set set -> setTargets deps all set

            match targets with
            | [] ->
                return
                    Http.unprocessable "Nothing to compare" [
                        {
                            Path = "preset"
                            Message = "this model set is empty on this deployment; name models or presets instead"
                        }
                    ]
            | targets ->
                let request = {
                    Query = body.Query
                    Targets = targets
                    Timeout = TimeSpan.FromSeconds(float body.TimeoutSeconds)
                    PromptType = body.PromptType
                }

                // The runs go on when the client leaves only until the host stops; the deadline bounds them.
                let! comparison = Eval.compare deps.App request deps.Stopping
                return Http.ok (answer comparison)
        })

    /// POST /api/v1/eval/compare
    let compare (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = run deps ctx EvalWire.comparison

    /// POST /api/v1/eval/compare/report
    let report (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = run deps ctx EvalWire.withReport
