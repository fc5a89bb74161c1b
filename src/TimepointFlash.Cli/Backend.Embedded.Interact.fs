namespace TimepointFlash.Cli

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// Scene look-up and character interactions for the embedded backend, with their errors as command-line ones.
module internal EmbeddedInteract =
    /// Finds a timepoint by id or slug.
    let find (env: AppEnv) (key: string) = task {
        match Guid.TryParse key with
        | true, id -> return! env.Store.Get id
        | _ -> return! env.Store.GetBySlug key
    }

    /// Finds a timepoint by id or slug, or says it is not found.
    let require (env: AppEnv) key = task {
        match! find env key with
        | Some t -> return Ok t
        | None -> return Error(CliError.NotFound $"Timepoint '{key}'")
    }

    /// A refused or failed interaction as a command-line error.
    let ofInteract (key: string) =
        function
        | InteractError.TimepointNotFound -> CliError.NotFound $"Timepoint '{key}'"
        | InteractError.NotCompleted status ->
            CliError.Invalid
                $"the scene is {TimepointStatus.name status}; its people can be talked to once it has completed"
        | InteractError.CharacterNotFound(name, cast) ->
            let listed = String.concat ", " cast
            CliError.NotFound $"Character '{name}' (the cast: {listed})"
        | InteractError.SessionNotFound -> CliError.NotFound "Session"
        | InteractError.SessionOfAnotherTimepoint _ -> CliError.Invalid "the session belongs to another scene"
        | InteractError.SessionOfAnotherCharacter name -> CliError.Invalid $"the session is a conversation with {name}"
        | InteractError.Agent e -> CliError.Failed(AgentError.describe e)

    /// Checks a body with the API's decoder, then runs the interaction on the scene, passing each event on as its
    /// stream's event name and data; answers the result as the API would.
    let interaction
        (env: AppEnv)
        (decoder: Decoder<'Ask>)
        (start: Guid -> 'Ask -> Task<Result<Prepared<'Event, 'Result>, InteractError>>)
        (wire: 'Event -> string * JsonNode)
        (result: 'Result -> JsonNode)
        (key: string)
        (body: JsonNode)
        (onEvent: string * JsonNode -> unit)
        =
        task {
            match Decode.fromNode decoder body with
            | Error e -> return Error(CliError.Invalid(e |> List.map DecodeError.describe |> String.concat "; "))
            | Ok ask ->
                match! require env key with
                | Error e -> return Error e
                | Ok t ->
                    match! start t.Id ask with
                    | Error e -> return Error(ofInteract key e)
                    | Ok prepared ->
                        let pass e =
                            onEvent (wire e)
                            Task.CompletedTask

                        match! prepared.Run pass (Interrupt.token ()) with
                        | Ok r -> return Ok(result r)
                        | Error e -> return Error(ofInteract key e)
        }

    /// A survey event as the survey stream names it.
    let surveyEvent =
        function
        | SurveyEvent.Answered(a, _) -> "response", InteractWire.answer a
        | SurveyEvent.Failed(name, _, e, _) -> "error", Encode.string $"Failed for {name}: {AgentError.describe e}"
        | SurveyEvent.Summary text -> "summary", Encode.string text
