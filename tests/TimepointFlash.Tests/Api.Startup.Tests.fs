/// The built server as a child process: ASP.NET Core's --urls and ASPNETCORE_URLS, and a taken port.
module TimepointFlash.Tests.ApiStartup

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Threading.Tasks
open Expecto
open TimepointFlash.Tests.Support

let private db () = "sqlite:///" + ApiHost.tempDb ()

/// Waits until /health answers on the URL or the process exits; true when it answered.
let private healthy (p: Process) (url: string) = task {
    use http = new HttpClient(Timeout = TimeSpan.FromSeconds 2.0)
    let deadline = DateTime.UtcNow.AddSeconds 60.0
    let mutable up = false

    while not up && not p.HasExited && DateTime.UtcNow < deadline do
        try
            let! (r: HttpResponseMessage) = http.GetAsync(url + "/health")
            up <- r.IsSuccessStatusCode
        with _ ->
            do! Task.Delay 200

    return up
}

let private stop (p: Process) =
    if not p.HasExited then
        p.Kill true

    p.WaitForExit 10000 |> ignore

let private listensWhere (args: string) (vars: (string * string) list) (url: string) = task {
    let p, lines =
        ServerProcess.startCollecting
            (ServerProcess.serverDll ())
            args
            ([ "DATABASE_URL", db (); "PORT", string (ServerProcess.freePort ()) ] @ vars)

    try
        let! up = healthy p url
        Expect.isTrue up $"the server answers on {url}: {String.concat Environment.NewLine lines}"

        Expect.exists lines (fun l -> l.Contains $"Listening on {url}") "the start-up line says where it listens"
    finally
        stop p
}

/// Runs the built tpflash with extra environment variables; returns the exit code, stdout and stderr.
let private tpflashOut (args: string list) (vars: (string * string) list) =
    let dll =
        Path.Combine(
            ServerProcess.repoRoot.Value,
            "src",
            "TimepointFlash.Cli",
            "bin",
            "Release",
            "net10.0",
            "tpflash.dll"
        )

    let psi =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true)

    psi.WorkingDirectory <- Path.GetTempPath()
    psi.ArgumentList.Add dll

    for a in args do
        psi.ArgumentList.Add a

    for key in ServerProcess.scrubbed @ [ "TPFLASH_API_KEY" ] do
        psi.Environment.Remove key |> ignore

    for k, v in vars do
        psi.Environment[k] <- v

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    p.ExitCode, out.Result, err.Result

/// Runs the built tpflash with extra environment variables; returns the exit code and stderr.
let private tpflash (args: string list) (vars: (string * string) list) =
    let code, _, err = tpflashOut args vars
    code, err

let private remoteWithKey = testTask "tpflash --server sends TPFLASH_API_KEY to a server with API_KEYS" {
    let url = $"http://127.0.0.1:{ServerProcess.freePort ()}"
    let vars = [ "DATABASE_URL", db (); "API_KEYS", "cli-key-1" ]

    let p, lines =
        ServerProcess.startCollecting (ServerProcess.serverDll ()) $"--urls {url}" vars

    try
        let! up = healthy p url
        Expect.isTrue up $"the server answers: {String.concat Environment.NewLine lines}"
        let args = [ "generate"; "rome 50 BCE"; "--server"; url; "--json" ]
        let refused, err = tpflash args []
        Expect.notEqual refused 0 "without a key: refused"
        Expect.stringContains err "API key" "and says why"
        let key = [ "TPFLASH_API_KEY", "cli-key-1" ]
        let made, err = tpflash args key
        Expect.equal made 0 $"with the key: generated ({err})"

        let code, out, err =
            tpflashOut [ "dialog"; "rome-50-bce"; "--server"; url; "--lines"; "2"; "--save" ] key

        Expect.equal code 0 $"the dialog streams from the server ({err})"
        Expect.equal (out.Split('\n') |> Array.filter (fun l -> l.Contains ": ") |> Array.length) 2 "two lines"
        Expect.stringContains out "(saved to the scene's dialog)" "and says they were saved"

        let code, out, err =
            tpflashOut
                [
                    "survey"
                    "rome-50-bce"
                    "--server"
                    url
                    "--question"
                    "What do you fear?"
                    "--summary"
                    "--json"
                ]
                key

        Expect.equal code 0 $"the survey streams from the server ({err})"
        let result = Text.Json.Nodes.JsonNode.Parse out
        Expect.isGreaterThan (result["responses"].AsArray().Count) 0 "answers"
        Expect.isNotNull result["summary"] "the summary asked for"

        let code, _, err =
            tpflashOut [ "dialog"; "rome-50-bce"; "--server"; url; "--lines"; "11" ] key

        Expect.equal code 2 "the server's 422 is an argument error"
        Expect.stringContains err "num_lines" "naming the field"
    finally
        stop p
}

let tests =
    testList "Api start-up" [
        remoteWithKey

        testTask "--urls on the command line wins over ASPNETCORE_URLS and PORT" {
            let url = $"http://127.0.0.1:{ServerProcess.freePort ()}"
            let other = $"http://127.0.0.1:{ServerProcess.freePort ()}"
            do! listensWhere $"--urls {url}" [ "ASPNETCORE_URLS", other ] url
        }

        testTask "ASPNETCORE_URLS wins over HOST and PORT; ASPNETCORE_ENVIRONMENT sets the environment" {
            let url = $"http://127.0.0.1:{ServerProcess.freePort ()}"

            do!
                listensWhere
                    ""
                    [
                        "ASPNETCORE_URLS", url
                        "HOST", "127.0.0.1"
                        "ASPNETCORE_ENVIRONMENT", "Production"
                    ]
                    url
        }

        testTask "a taken port stops start-up with one line naming the address and exit code 1" {
            let listener = new TcpListener(IPAddress.Loopback, 0)
            listener.Start()
            let port = (listener.LocalEndpoint :?> IPEndPoint).Port

            try
                let url = $"http://127.0.0.1:{port}"

                let p, lines =
                    ServerProcess.startCollecting (ServerProcess.serverDll ()) $"--urls {url}" [ "DATABASE_URL", db () ]

                try
                    let exited = p.WaitForExit 60000
                    Expect.isTrue exited "the server stops by itself"
                    p.WaitForExit()
                    Expect.equal p.ExitCode 1 "exit code 1"
                    let errors = lines |> Seq.filter (fun l -> l.StartsWith "stderr: ") |> List.ofSeq

                    Expect.equal
                        errors
                        [ $"stderr: tpflash: cannot listen on {url}: the address is already in use" ]
                        "one line"

                    Expect.isFalse (lines |> Seq.exists (fun l -> l.Contains "   at ")) "no stack trace"
                finally
                    stop p
            finally
                listener.Stop()
        }
    ]
