/// An in-process API over a real database and the offline engine, through ASP.NET Core's TestServer.
module TimepointFlash.Tests.Support.ApiHost

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.TestHost
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Runtime

/// A running test API.
type TestApi = {
    Client: HttpClient
    Services: Services
    App: WebApplication
    DbFile: string option
} with

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            ValueTask(
                task {
                    this.Client.Dispose()
                    do! this.App.StopAsync()
                    do! this.App.DisposeAsync()

                    this.DbFile
                    |> Option.iter (fun f ->
                        for suffix in [ ""; "-wal"; "-shm" ] do
                            try
                                File.Delete(f + suffix)
                            with _ ->
                                ())
                }
            )

/// A fresh SQLite file path under the temp folder.
let tempDb () =
    Path.Combine(Path.GetTempPath(), $"tpflash-test-{Guid.NewGuid():N}.db")

/// Starts an API with the given environment variables (DATABASE_URL defaults to a fresh SQLite file, RATE_LIMIT and
/// READ_RATE_LIMIT to 0), running job workers or not.
let startServing (vars: (string * string) list) (llm: Llm option) (workers: bool) : Task<TestApi> = task {
    let file = tempDb ()

    let map =
        Map.ofList (
            [
                "DATABASE_URL", $"sqlite:///{file}"
                "RATE_LIMIT", "0"
                "READ_RATE_LIMIT", "0"
            ]
            @ vars
        )

    match Config.read (fun k -> map.TryFind k) with
    | Error e -> return failwith (ConfigError.describe e)
    | Ok config ->
        match! Runtime.startWith config llm ignore (fun _ -> Task.CompletedTask) with
        | Error e -> return failwith (Runtime.describe e)
        | Ok services ->
            let app =
                Server.build services (Server.options config) workers (fun b ->
                    b.WebHost.UseTestServer() |> ignore
                    b.Logging.ClearProviders() |> ignore)

            do! app.StartAsync()
            let server = app.GetTestServer()
            // Every answer is checked against the OpenAPI document as the tests read it.
            let document =
                app.Services.GetRequiredService<EndpointDataSource>().Endpoints
                |> Seq.pick (fun e ->
                    let m = e.Metadata.GetMetadata<OpenApiText>()

                    if isNull (box m) then
                        None
                    else
                        let (OpenApiText text) = m
                        Some text)

            let client =
                new HttpClient(new Contract.ContractHandler(server.CreateHandler(), Contract.ofText document))

            client.BaseAddress <- server.BaseAddress

            return {
                Client = client
                Services = services
                App = app
                DbFile =
                    (if map["DATABASE_URL"].StartsWith "sqlite" then
                         Some file
                     else
                         None)
            }
}

/// Starts an API with the given environment variables and job workers.
let startWith (vars: (string * string) list) (llm: Llm option) = startServing vars llm true

/// Starts an API on SQLite with the offline engine.
let start () = startWith [] None

/// POSTs a JSON text.
let postJson (client: HttpClient) (path: string) (json: string) =
    client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"))

/// Reads a response body as JSON.
let body (resp: HttpResponseMessage) = task {
    let! text = resp.Content.ReadAsStringAsync()
    return JsonNode.Parse text
}

/// A string property of a JSON node.
let str (n: JsonNode) (key: string) =
    match n[key] with
    | null -> null
    | v -> v.ToString()
