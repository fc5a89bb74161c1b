module TimepointFlash.Tests.ApiKestrel

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open TimepointFlash.Api
open TimepointFlash.Runtime

/// The real Kestrel server on a free loopback port, with its base address.
let private startKestrel () = task {
    let file = Support.ApiHost.tempDb ()

    let vars =
        Map.ofList [
            "DATABASE_URL", $"sqlite:///{file}"
            "RATE_LIMIT", "0"
            "READ_RATE_LIMIT", "0"
        ]

    match Config.read (fun k -> vars.TryFind k) with
    | Error e -> return failwith (ConfigError.describe e)
    | Ok config ->
        match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
        | Error e -> return failwith (Runtime.describe e)
        | Ok services ->
            let app =
                Server.build services (Server.options config) true (fun b ->
                    b.WebHost.UseUrls("http://127.0.0.1:0") |> ignore
                    b.Logging.ClearProviders() |> ignore)

            do! app.StartAsync()
            let server = app.Services.GetRequiredService<IServer>()
            let address = server.Features.Get<IServerAddressesFeature>().Addresses |> Seq.head
            return app, Uri address
}

let tests =
    testList "Api on Kestrel" [
        testTask "a real SSE reader sees each step as it happens, then done with a saved timepoint" {
            let! (app: WebApplication), (baseUri: Uri) = startKestrel ()

            try
                let http = new HttpClient(BaseAddress = baseUri)

                let req =
                    new HttpRequestMessage(HttpMethod.Post, "/api/v1/timepoints/generate/stream")

                req.Content <-
                    new StringContent("""{"query": "storming of the bastille"}""", Encoding.UTF8, "application/json")

                let! (resp: HttpResponseMessage) = http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead)
                Expect.equal resp.Content.Headers.ContentType.MediaType "text/event-stream" "event stream"
                let! (stream: Stream) = resp.Content.ReadAsStreamAsync()
                let reader = new StreamReader(stream)
                let events = ResizeArray<JsonNode>()
                let mutable reading = true

                while reading do
                    let! (line: string) = reader.ReadLineAsync()

                    match line with
                    | null -> reading <- false
                    | l when l.StartsWith "data: " ->
                        let msg = JsonNode.Parse(l.Substring 6)
                        events.Add msg

                        if string msg["event"] = "done" then
                            reading <- false
                    | _ -> ()

                let kinds = events |> Seq.map (fun e -> string e["event"]) |> List.ofSeq
                Expect.equal kinds.Head "start" "start first"
                Expect.equal (List.last kinds) "done" "done last"

                Expect.equal
                    (kinds |> List.filter ((=) "step_complete")).Length
                    11
                    "eleven steps, grounding and the critique among them"

                let id = string (events |> Seq.last).["data"].["timepoint_id"]
                let! (saved: string) = http.GetStringAsync($"/api/v1/timepoints/{id}")
                Expect.stringContains saved "\"year\":1789" "saved: the Bastille, 1789"
            finally
                app.StopAsync().Wait()
        }
    ]
