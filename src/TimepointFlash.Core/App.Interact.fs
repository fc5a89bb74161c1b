namespace TimepointFlash

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash.Agents

/// Checks shared by chat, dialog extension and survey: the timepoint, its cast, the chosen characters.
[<RequireQualifiedAccess>]
module Interact =
    /// The completed timepoint with its personas.
    let scene (store: Store) (id: Guid) : Task<Result<Timepoint * Persona list, InteractError>> = task {
        match! store.Get id with
        | None -> return Error InteractError.TimepointNotFound
        | Some t when t.Status <> TimepointStatus.Completed -> return Error(InteractError.NotCompleted t.Status)
        | Some t ->
            match Persona.all t with
            | [] -> return Error(InteractError.NotCompleted t.Status)
            | ps -> return Ok(t, ps)
    }

    /// The dependencies for talking with a scene: every model call carries the scene's generation control.
    let tunedFor (env: InteractEnv) (t: Timepoint) : InteractEnv =
        let preset = env.Presets.Tuning(Control.presetOf env.Presets t.Control)

        let tune (call: AgentCall) = {
            call with
                Chat = Control.chat preset t.Control call.Chat
        }

        {
            env with
                Llm = fun call ct -> env.Llm (tune call) ct
                Stream = fun call onText ct -> env.Stream (tune call) onText ct
        }

    let private names (ps: Persona list) =
        ps |> List.map (fun p -> p.Character.Name)

    let private key (s: string) = s.Trim().ToLowerInvariant()

    /// One persona by name (case-insensitive), or 404 naming the cast.
    let find (ps: Persona list) (name: string) =
        ps
        |> List.tryFind (fun p -> key p.Character.Name = key name)
        |> Result.requireSome (InteractError.CharacterNotFound(name, names ps))

    /// The personas named (in cast order, every name known), or the scene's speakers when none are named: those who
    /// speak, else the primary and secondary, else the first two; at most four.
    let choose (ps: Persona list) (wanted: string list option) =
        match wanted with
        | Some ws ->
            match
                ws
                |> List.tryFind (fun w -> ps |> List.forall (fun p -> key p.Character.Name <> key w))
            with
            | Some unknown -> Error(InteractError.CharacterNotFound(unknown, names ps))
            | None ->
                let set = ws |> List.map key |> Set.ofList
                Ok(ps |> List.filter (fun p -> set.Contains(key p.Character.Name)))
        | None ->
            let speaking = ps |> List.filter (fun p -> p.Character.SpeaksInScene)

            let principal =
                ps |> List.filter (fun p -> p.Character.Role <> CharacterRole.Background)

            let pool =
                if not speaking.IsEmpty then speaking
                elif not principal.IsEmpty then principal
                else List.truncate 2 ps

            Ok(List.truncate 4 pool)


    /// A completed scene, its chosen personas (see `choose`) and the dependencies tuned to its generation control.
    let cast (env: InteractEnv) (id: Guid) (wanted: string list option) = task {
        match! scene env.Store id with
        | Error e -> return Error e
        | Ok(t, personas) -> return choose personas wanted |> Result.map (fun people -> t, tunedFor env t, people)
    }

    /// Whether structure is asked for (auto means structured when the answer is not streamed as speech).
    let structured (format: ResponseFormat) = format <> ResponseFormat.Text

    /// The first 50 characters of a message, for listings.
    let preview (text: string) = String.truncate 50 text

/// Chat with one character, with sessions stored as ordered messages.
[<RequireQualifiedAccess>]
module ChatService =
    let private history (s: ChatSession option) =
        s
        |> Option.map (fun s ->
            s.Messages
            |> List.map (fun m -> {
                FromUser = m.Role = MessageRole.User
                Text = m.Content
            }))
        |> Option.defaultValue []

    /// The session a message continues: none, a new one, or a stored one of the same timepoint and character.
    let private session (env: InteractEnv) (id: Guid) (p: Persona) (ask: ChatAsk) = task {
        match ask.SessionId with
        | None when ask.SaveSession -> return Ok(Some(env.NewId()), None)
        | None -> return Ok(None, None)
        | Some sid ->
            match! env.Sessions.Get sid with
            | None -> return Error InteractError.SessionNotFound
            | Some s when s.TimepointId <> id -> return Error(InteractError.SessionOfAnotherTimepoint s.TimepointId)
            | Some s when s.CharacterName.ToLowerInvariant() <> p.Character.Name.ToLowerInvariant() ->
                return Error(InteractError.SessionOfAnotherCharacter s.CharacterName)
            | Some s -> return Ok(Some sid, Some s)
    }

    /// Checks a chat request, then runs it (streaming chunks to the callback).
    let prepare
        (env: InteractEnv)
        (id: Guid)
        (ask: ChatAsk)
        : Task<Result<Prepared<string, ChatAnswer>, InteractError>> =
        task {
            match! Interact.scene env.Store id with
            | Error e -> return Error e
            | Ok(t, personas) ->
                let env = Interact.tunedFor env t

                match Interact.find personas ask.Character with
                | Error e -> return Error e
                | Ok persona ->
                    match! session env id persona ask with
                    | Error e -> return Error e
                    | Ok(sessionId, stored) ->

                        let input = {
                            Persona = persona
                            History = history stored
                            Message = ask.Message.Trim()
                            Structured = Interact.structured ask.Format
                        }

                        let run (onText: string -> Task) ct = task {
                            let started = env.Elapsed()
                            let asked = env.Now()

                            // A structured answer is JSON: it is shown once parsed, not chunk by chunk.
                            let! outcome =
                                if input.Structured then
                                    Interaction.run env.Llm Chat.agent input ct
                                else
                                    Interaction.stream env.Stream Chat.agent input onText ct

                            match outcome with
                            | Error e -> return Error(InteractError.Agent e)
                            | Ok o ->
                                if input.Structured then
                                    do! onText o.Output.Text

                                match sessionId with
                                | Some sid ->
                                    do!
                                        env.Sessions.Append {
                                            SessionId = sid
                                            TimepointId = id
                                            CharacterName = persona.Character.Name
                                            Messages = [
                                                {
                                                    Role = MessageRole.User
                                                    Content = input.Message
                                                    CharacterName = None
                                                    At = asked
                                                }
                                                {
                                                    Role = MessageRole.Character
                                                    Content = o.Output.Text
                                                    CharacterName = Some persona.Character.Name
                                                    At = env.Now()
                                                }
                                            ]
                                            At = env.Now()
                                        }
                                | None -> ()

                                return
                                    Ok {
                                        CharacterName = persona.Character.Name
                                        Reply = o.Output
                                        SessionId = sessionId
                                        Model = o.Model
                                        LatencyMs = env.Elapsed() - started
                                    }
                        }

                        return Ok { Run = run }
        }

/// More lines of a scene's dialog, optionally saved to it.
[<RequireQualifiedAccess>]
module DialogService =
    /// Checks a dialog request, then runs it (each added line to the callback).
    let prepare
        (env: InteractEnv)
        (id: Guid)
        (ask: DialogAsk)
        : Task<Result<Prepared<DialogLine, DialogAnswer>, InteractError>> =
        task {
            match! Interact.cast env id ask.Characters with
            | Error e -> return Error e
            | Ok(t, env, speakers) ->

                let input = {
                    Speakers = speakers
                    SoFar = t.Dialog |> Option.map (fun d -> d.Lines) |> Option.defaultValue []
                    Lines = ask.Lines
                    Direction = ask.Prompt
                }

                let run (onLine: DialogLine -> Task) ct = task {
                    let started = env.Elapsed()

                    match! Interaction.run env.Llm Extend.agent input ct with
                    | Error e -> return Error(InteractError.Agent e)
                    | Ok o ->
                        for line in o.Output do
                            do! onLine line

                        if ask.Save then
                            // Read again just before writing, so lines saved meanwhile are kept.
                            match! env.Store.Get id with
                            | Some current ->
                                let dialog =
                                    current.Dialog
                                    |> Option.defaultValue {
                                        Lines = []
                                        SceneContext = None
                                        LanguageStyle = None
                                        HistoricalAccuracyNote = None
                                    }

                                let extended = {
                                    dialog with
                                        Lines = dialog.Lines @ o.Output |> List.truncate DialogData.maxStoredLines
                                }

                                do!
                                    env.Store.Update {
                                        current with
                                            Outputs = Outputs.add DialogData.key extended current.Outputs
                                            UpdatedAt = env.Now()
                                    }
                            | None -> ()

                        let setting = speakers.Head.Setting |> Option.defaultValue speakers.Head.Place

                        return
                            Ok {
                                Lines = o.Output
                                Context = $"Continued dialog in {setting}"
                                CharactersInvolved = o.Output |> List.map (fun l -> l.Speaker) |> List.distinct
                                Saved = ask.Save
                                LatencyMs = env.Elapsed() - started
                            }
                }

                return Ok { Run = run }
        }
