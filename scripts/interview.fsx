// Interviews the cast of a scene from FSI: each character is asked two questions and the answers are printed.
// Takes a timepoint id or slug (of a completed scene in DATABASE_URL) or a query to generate a new scene.
// Uses a throwaway SQLite database unless DATABASE_URL is set, and the configured engine (offline by default).
// Build first (./scripts/test.sh or `dotnet build -c Release`), then:
//   dotnet fsi scripts/interview.fsx "assassination of julius caesar"
#load "lib/release.fsx"

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Runtime

open Release

let arg =
    match fsi.CommandLineArgs |> Array.tail |> String.concat " " with
    | "" -> "assassination of julius caesar"
    | q -> q

let services, stop = startServices "interview"

let app = services.App
let interact = InteractionServices.create services.Interact

/// The scene named by id or slug, or a new one generated from the argument.
let scene =
    let stored =
        match Guid.TryParse arg with
        | true, id -> run (app.Store.Get id)
        | _ -> run (app.Store.GetBySlug arg)

    match stored with
    | Some t -> t
    | None -> run (Generation.runNow app (fun _ -> Task.CompletedTask) arg false CancellationToken.None)

let questions = [ "What is happening around you right now?"; "What do you hope happens next?" ]

let ask (character: string) (question: string) =
    let asked = {
        Character = character
        Message = question
        SessionId = None
        SaveSession = false
        Format = ResponseFormat.Text
    }

    match run (interact.Chat scene.Id asked) with
    | Error e -> Error e
    | Ok prepared -> run (prepared.Run (fun _ -> Task.CompletedTask) CancellationToken.None)

let answered =
    match run (interact.Cast scene.Id) with
    | Error e ->
        eprintfn "interview.fsx: the scene cannot be interviewed: %A" e
        0
    | Ok cast ->
        printfn "Interviewing the cast of \"%s\" (%s):" scene.Query (TimepointStatus.name scene.Status)

        [
            for persona in cast do
                let name = persona.Character.Name
                printfn "\n%s (%s)" name (CharacterRole.name persona.Character.Role)

                for q in questions do
                    match ask name q with
                    | Ok a ->
                        printfn "  Q: %s\n  A: %s" q a.Reply.Text
                        yield 1
                    | Error e -> eprintfn "  Q: %s\n  failed: %A" q e
        ]
        |> List.sum

stop ()

if answered = 0 then
    eprintfn "interview.fsx: no character answered"
    exit 1
