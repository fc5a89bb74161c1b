namespace TimepointFlash.Api

open System
open FsToolkit.ErrorHandling
open TimepointFlash

/// A model named in a comparison request (the reference's EvalModelConfig).
type EvalModelBody = {
    ModelId: string
    Provider: string
    Label: string
}

/// What a comparison runs: named models, the deployment's presets, or a model set (verified, google_native,
/// openrouter, all).
[<RequireQualifiedAccess>]
type EvalChoice =
    | Models of EvalModelBody list
    | Presets of string list
    | Set of string

/// The body of POST /api/v1/eval/compare and /compare/report.
type EvalBody = {
    Query: string
    Choice: EvalChoice
    PromptType: string
    TimeoutSeconds: int
}

/// Decoding a comparison request.
[<RequireQualifiedAccess>]
module EvalDto =
    let private text: Decoder<string> =
        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.String -> Decode.string path el
            | _ -> Decode.fail path "must be a string"

    let private model: Decoder<EvalModelBody> =
        fun path el -> validation {
            let! id =
                Decode.field
                    "model_id"
                    (text
                     |> Decode.check (fun s ->
                         if String.IsNullOrWhiteSpace s || s.Length > 200 then
                             Some "must be 1–200 characters"
                         else
                             None))
                    path
                    el

            and! provider = Decode.optional "provider" text path el
            and! label = Decode.optional "label" text path el

            return {
                ModelId = id.Trim()
                Provider = provider |> Option.defaultValue ""
                Label = label |> Option.bind String.nonBlank |> Option.defaultValue (id.Trim())
            }
        }

    let private bounded (what: string) (xs: 'T list) =
        if List.isEmpty xs then
            Some $"must list at least one {what}"
        elif xs.Length > Eval.maxTargets then
            Some $"must list at most {Eval.maxTargets} {what}s, got {xs.Length}"
        else
            None

    /// The body; `presets` are the deployment's preset names. `models` wins over `presets`, which wins over
    /// `preset` (a model set, default verified).
    let body (presets: string list) : Decoder<EvalBody> =
        fun path el -> validation {
            let! query = Decode.field "query" Dto.query path el

            and! models = Decode.optional "models" (Decode.list model |> Decode.check (bounded "model")) path el

            and! named =
                Decode.optional
                    "presets"
                    (Decode.list (
                        text
                        |> Decode.check (fun p ->
                            if List.contains p presets then
                                None
                            else
                                let known = String.concat ", " presets
                                Some $"must be one of {known}")
                     )
                     |> Decode.check (bounded "preset"))
                    path
                    el

            and! set =
                Decode.optional
                    "preset"
                    (text
                     |> Decode.check (fun s ->
                         if List.contains s Eval.modelSets then
                             None
                         else
                             Some $"""must be one of {String.concat ", " Eval.modelSets}"""))
                    path
                    el

            and! promptType = Decode.withDefault "prompt_type" "text" text path el

            and! timeout =
                Decode.withDefault
                    "timeout_seconds"
                    120
                    (fun p (e: Text.Json.JsonElement) ->
                        let lo, hi = Eval.timeoutBounds

                        match e.ValueKind with
                        | Text.Json.JsonValueKind.Number ->
                            match e.TryGetInt32() with
                            | true, v when v >= lo && v <= hi -> Ok v
                            | _ -> Decode.fail p $"must be a whole number between {lo} and {hi}"
                        | _ -> Decode.fail p $"must be a whole number between {lo} and {hi}")
                    path
                    el

            return {
                Query = query
                Choice =
                    match models, named, set with
                    | Some ms, _, _ -> EvalChoice.Models ms
                    | None, Some ps, _ -> EvalChoice.Presets(List.distinct ps)
                    | None, None, s -> EvalChoice.Set(s |> Option.defaultValue "verified")
                PromptType = String.truncate 40 promptType
                TimeoutSeconds = timeout
            }
        }
