namespace TimepointFlash.Cli

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open EmbeddedSteps
open EmbeddedInteract

/// The embedded backend: the same services and configuration the server uses.
[<RequireQualifiedAccess>]
module Embedded =
    /// The comparison targets of the models listing (`models ()`'s "models").
    let private evalTargets (models: unit -> JsonNode) =
        match (models ())["models"] with
        | :? JsonArray as a -> Eval.textTargets a
        | _ -> []

    /// The backend over an application environment and its character interactions.
    let create
        (env: AppEnv)
        (interact: Interactions)
        (models: unit -> JsonNode)
        (describe: string)
        (offline: bool)
        : Backend =
        {
            Generate =
                fun query image control report -> task {
                    let! t = Generation.runNowWith env control (observer report) query image (Interrupt.token ())
                    return Ok(TimepointWire.encode true t)
                }
            Get =
                fun key -> task {
                    let! t = require env key
                    return t |> Result.map (TimepointWire.encode true)
                }
            List =
                fun q -> task {
                    let! page = env.Store.ListSummaries q
                    return Ok(AppWire.page page)
                }
            Navigate =
                fun key direction units unit report -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok source ->
                        match!
                            Navigation.run env (observer report) source.Id direction units unit (Interrupt.token ())
                        with
                        | Ok o ->
                            return
                                Ok(
                                    AppWire.navigation o.Source o.Target direction units unit,
                                    TimepointWire.encode true o.Target
                                )
                        | Error(AppError.Temporal te) -> return Error(CliError.Invalid(TemporalError.describe te))
                        | Error(AppError.NotCompleted(_, s)) ->
                            return
                                Error(CliError.Invalid $"the source scene is {TimepointStatus.name s}, not completed")
                        | Error(AppError.NotFound w) -> return Error(CliError.NotFound w)
                        | Error(AppError.NoDate _) -> return Error(CliError.Invalid "the source scene has no date")
                }
            Sequence =
                fun key direction limit -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        match Sequence.parseSide direction with
                        | None -> return Error(CliError.Invalid "direction must be prior, next or both")
                        | Some side ->
                            let! v = Sequence.load env.Store side limit t
                            return Ok(AppWire.sequence v)
                }
            Delete =
                fun key permanent -> task {
                    let removal = if permanent then Removal.Permanent else Removal.Soft

                    match Guid.TryParse key with
                    // An id deletes even a soft-deleted scene (a permanent delete of one purges it now).
                    | true, id ->
                        match! env.Store.Delete removal id with
                        | true -> return Ok(AppWire.deleted removal id)
                        | false -> return Error(CliError.NotFound $"Timepoint '{key}'")
                    | _ ->
                        match! require env key with
                        | Error e -> return Error e
                        | Ok t ->
                            let! _ = env.Store.Delete removal t.Id
                            return Ok(AppWire.deleted removal t.Id)
                }
            Models = fun () -> Task.FromResult(Ok(models ()))
            Export =
                fun key format -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        match format with
                        | "json" -> return Ok(Encode.toIndentedString (TimepointWire.encode true t))
                        | "markdown" -> return Ok(TimepointFlash.Runtime.Render.markdown (TimepointWire.encode true t))
                        | "tdf" -> return Ok(Encode.toIndentedString (Tdf.record t))
                        | "html" ->
                            let! image = env.Store.GetImage t.Id

                            return
                                Ok(
                                    TimepointFlash.Api.ExportHandlers.html
                                        t
                                        (image |> Option.map (fun i -> i.Bytes, i.MimeType))
                                )
                        | other ->
                            return
                                Error(CliError.Invalid $"--format must be json, markdown, html or tdf, got '{other}'")
                }
            EvalModels =
                fun () ->
                    let all = evalTargets models

                    Task.FromResult(
                        Ok(
                            Encode.obj [
                                "presets",
                                Encode.obj [
                                    for set in Eval.modelSets ->
                                        set, Encode.int (Eval.setTargets env.Presets all set).Length
                                ]
                                "models",
                                all
                                |> Encode.list (fun t ->
                                    Encode.obj [
                                        "model_id", Encode.string t.Id
                                        "provider", Encode.string t.Provider
                                        "label", Encode.string t.Label
                                    ])
                                "generation_presets", Encode.list Encode.string env.Presets.Names
                            ]
                        )
                    )
            Compare =
                fun request withReport -> task {
                    let element = Text.Json.JsonDocument.Parse(Encode.toString request).RootElement

                    match TimepointFlash.Api.EvalDto.body env.Presets.Names "" element with
                    | Error errors ->
                        return Error(CliError.Invalid(errors |> List.map DecodeError.describe |> String.concat "; "))
                    | Ok body ->
                        let targets =
                            match body.Choice with
                            | TimepointFlash.Api.EvalChoice.Models ms ->
                                ms |> List.map (fun m -> Eval.modelTarget m.ModelId m.Provider m.Label)
                            | TimepointFlash.Api.EvalChoice.Presets ps -> ps |> List.map (Eval.presetTarget env.Presets)
                            | TimepointFlash.Api.EvalChoice.Set set ->
                                Eval.setTargets env.Presets (evalTargets models) set

                        if List.isEmpty targets then
                            return Error(CliError.Invalid "this model set is empty here; name models or presets")
                        else
                            let! c =
                                Eval.compare
                                    env
                                    {
                                        Query = body.Query
                                        Targets = targets
                                        Timeout = TimeSpan.FromSeconds(float body.TimeoutSeconds)
                                        PromptType = body.PromptType
                                    }
                                    (Interrupt.token ())

                            return
                                Ok(
                                    if withReport then
                                        EvalWire.withReport c
                                    else
                                        EvalWire.comparison c
                                )
                }
            Image = fun id -> env.Store.GetImage id
            Chat =
                fun key character message session save -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        let ask = {
                            Character = character
                            Message = message
                            SessionId = session
                            SaveSession = save
                            Format = ResponseFormat.Text
                        }

                        match! interact.Chat t.Id ask with
                        | Error e -> return Error(ofInteract key e)
                        | Ok prepared ->
                            match! InteractionServices.run prepared CancellationToken.None with
                            | Ok a -> return Ok(InteractWire.chat a)
                            | Error e -> return Error(ofInteract key e)
                }
            Dialog =
                fun key body onEvent ->
                    let number = ref 0

                    let line l =
                        number.Value <- number.Value + 1
                        "line", InteractWire.line number.Value l

                    interaction
                        env
                        TimepointFlash.Api.InteractDto.dialog
                        interact.Dialog
                        line
                        InteractWire.dialog
                        key
                        body
                        onEvent
            Survey =
                interaction env TimepointFlash.Api.InteractDto.survey interact.Survey surveyEvent InteractWire.survey
            Describe = describe
            Offline = offline
        }
