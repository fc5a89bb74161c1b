/// What every command shares: exit codes, printing, failures and the backend a command runs on.
module TimepointFlash.Cli.Commands.Common

open System
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Runtime
open TimepointFlash.Cli

/// Exit codes: 0 success, 1 failed or rejected, 2 usage error, 130 interrupted by Ctrl-C.
module Exit =
    let ok = 0
    let failed = 1
    let usage = 2
    let interrupted = Interrupt.exitCode

/// Prints a wire answer as indented JSON.
let out (node: JsonNode) =
    Console.Out.WriteLine(Encode.toIndentedString node)

/// Prints a failure as one line and answers its exit code (2 for invalid input, else 1).
let fail (e: CliError) =
    Console.Error.WriteLine("tpflash: " + CliError.describe e)

    match e with
    | CliError.Invalid _ -> Exit.usage
    | _ -> Exit.failed

/// The embedded engine, or the server at `--server`, with what closes it (the embedded services' background work
/// and database connections).
let private backend (server: string option) : Task<Result<Backend * (unit -> unit), CliError>> = task {
    match server with
    | Some url ->
        match Uri.TryCreate(url, UriKind.Absolute) with
        | true, u when u.Scheme = "http" || u.Scheme = "https" ->
            let key =
                Runtime.environment () "TPFLASH_API_KEY"
                |> Option.bind TimepointFlash.String.nonBlank

            return Ok(Remote.create u key, ignore)
        | _ -> return Error(CliError.Invalid $"--server must be an http(s) URL, got '{url}'")
    | None ->
        match! Runtime.start ignore (fun _ -> Task.CompletedTask) with
        | Error(StartError.Database e) -> return Error(CliError.Storage e)
        | Error e -> return Error(CliError.Invalid(Runtime.describe e))
        | Ok services ->
            let info = services.Engine.Info

            let models () =
                let list, _ =
                    (info.ListModels false Threading.CancellationToken.None).GetAwaiter().GetResult()

                Encode.obj [
                    "models", Encode.list id list
                    "total", Encode.int list.Length
                    "providers", info.Describe()
                ]

            return
                Ok(
                    Embedded.create
                        services.App
                        (InteractionServices.create services.Interact)
                        models
                        info.Name
                        info.IsOffline,
                    services.Dispose
                )
}

/// The one line saying the offline engine answers, for commands that generate, once their arguments are valid.
let banner (b: Backend) =
    if b.Offline then
        Console.Error.WriteLine "tpflash: no provider key is configured; using the offline engine."

/// True when a timepoint's wire status is failed.
let isFailed (t: JsonNode) =
    match t["status"] with
    | null -> false
    | s -> s.ToString() = "failed"

/// Prints a timepoint as JSON or as its terminal summary.
let show json (t: JsonNode) =
    if json then
        out t
    else
        Console.Out.WriteLine(Render.summary t)

/// Runs a command on the backend; a database that fails (at start or mid-command) is one line and exit 1.
let withBackend server (f: Backend -> Task<int>) = task {
    match! backend server with
    | Error e -> return fail e
    | Ok(b, close) ->
        // The embedded services stop their background work (lease heartbeat) and close the database before the
        // process exits, so no native SQLite call is still running while the runtime shuts down.
        try
            try
                return! f b
            with
            | StoreFailure e -> return fail (CliError.Storage e)
            | :? OperationCanceledException when Interrupt.requested () ->
                Console.Error.WriteLine "tpflash: interrupted (Ctrl-C); the generation is stored as failed."
                return Interrupt.exitCode
        finally
            close ()
}
