/// The operational commands: `mcp`, `migrate` and `healthcheck`.
module TimepointFlash.Cli.Commands.Service

open System
open System.Net.Http
open System.Threading.Tasks
open Argu
open TimepointFlash
open TimepointFlash.Runtime
open TimepointFlash.Cli
open TimepointFlash.Cli.Commands.Common

/// Serves MCP on standard input and output, embedded or against the server at --server.
let mcp (args: ParseResults<McpArgs>) : Task<int> =
    match args.TryGetResult McpArgs.Server with
    | None -> McpCommand.embedded ()
    | Some url ->
        match Uri.TryCreate(url, UriKind.Absolute) with
        | true, u when u.Scheme = "http" || u.Scheme = "https" ->
            McpCommand.remote
                u
                (Runtime.environment () "TPFLASH_API_KEY"
                 |> Option.bind TimepointFlash.String.nonBlank)
        | _ ->
            Console.Error.WriteLine $"tpflash: --server must be an http(s) URL, got '{url}'"
            Task.FromResult Exit.usage

/// Applies the database migrations and says where.
let migrate () = task {
    match Config.read (Runtime.environment ()) with
    | Error e ->
        Console.Error.WriteLine("tpflash: " + ConfigError.describe e)
        return Exit.usage
    | Ok config ->
        match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
        | Error e ->
            Console.Error.WriteLine("tpflash: " + Runtime.describe e)
            return Exit.failed
        | Ok s ->
            Console.Out.WriteLine(
                $"migrations applied to {TimepointFlash.Persistence.DbConfig.describe config.Database}"
            )

            s.Dispose()
            return Exit.ok
}

/// Answers 0 when the server's /health answers success within 5 seconds, else 1.
let healthcheck (args: ParseResults<HealthArgs>) = task {
    let port =
        Environment.GetEnvironmentVariable "PORT"
        |> Option.ofObj
        |> Option.bind TimepointFlash.String.nonBlank
        |> Option.defaultValue "8000"

    let url = args.GetResult(HealthArgs.Url, $"http://127.0.0.1:{port}/health")

    try
        use http = new HttpClient(Timeout = TimeSpan.FromSeconds 5.0)
        use! resp = http.GetAsync(url: string)
        return if resp.IsSuccessStatusCode then Exit.ok else Exit.failed
    with _ ->
        return Exit.failed
}
