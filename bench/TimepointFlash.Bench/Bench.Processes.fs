/// Child processes of the benchmarks: the API server (Release build), pinned to a core, and its memory.
module TimepointFlash.Bench.Processes

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Threading.Tasks
open TimepointFlash.Tests.Support

/// The API server of the Release build.
let serverDll = ServerProcess.serverDll

/// A free loopback port.
let freePort = ServerProcess.freePort

/// This benchmark executable's own dll (for child modes such as the bare server).
let selfDll () =
    Path.Combine(AppContext.BaseDirectory, "tpflash-bench.dll")

/// Starts `dotnet <dll> <args>` pinned to the given cores, with the environment; output discarded.
let startDotnet (cores: string) (dll: string) (args: string) (vars: (string * string) list) =
    ServerProcess.start (Some cores) dll args vars

/// The server's settings for a benchmark: SQLite file (or the given URL), no rate limit, production logging.
let serverEnv (databaseUrl: string) (port: int) (extra: (string * string) list) =
    [
        "DATABASE_URL", databaseUrl
        "PORT", string port
        "HOST", "127.0.0.1"
        "RATE_LIMIT", "0"
        "READ_RATE_LIMIT", "0"
        "ENVIRONMENT", "production"
    ]
    @ extra

/// A fresh SQLite file URL in the temp folder.
let freshSqlite () =
    let file = Path.Combine(Path.GetTempPath(), $"tpflash-bench-{Guid.NewGuid():N}.db")
    $"sqlite:///{file}", file

/// The given DATABASE_URL, or a fresh SQLite file (returned too, for removal).
let databaseOf (url: string option) =
    match url with
    | Some u -> u, None
    | None ->
        let u, f = freshSqlite ()
        u, Some f

/// Removes a SQLite file and its WAL companions.
let removeSqlite (file: string) =
    for f in [ file; file + "-wal"; file + "-shm" ] do
        if File.Exists f then
            File.Delete f

/// Shared client for control requests (not the measured load).
let http = new HttpClient(Timeout = TimeSpan.FromSeconds 60.0)

/// Polls GET url every few milliseconds until 200; the elapsed time, or None after the deadline.
let waitHealthy (url: string) (timeout: TimeSpan) (clock: Stopwatch) = task {
    let deadline = clock.Elapsed + timeout
    let mutable result = None

    while result.IsNone && clock.Elapsed < deadline do
        try
            use! resp = http.GetAsync url

            if resp.StatusCode = HttpStatusCode.OK then
                result <- Some clock.Elapsed
        with _ ->
            do! Task.Delay 5

    return result
}

/// Peak and current resident set size of a process in MiB (VmHWM, VmRSS from /proc).
let memoryMiB (pid: int) =
    let lines = File.ReadAllLines $"/proc/{pid}/status"

    let field (name: string) =
        lines
        |> Array.tryFind (fun l -> l.StartsWith(name + ":"))
        |> Option.map (fun l -> float (l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0)
        |> Option.defaultValue nan

    field "VmHWM", field "VmRSS"

/// CPU time (user + system) a process has used so far, in milliseconds.
let cpuMs (pid: int) =
    let stat = File.ReadAllText $"/proc/{pid}/stat"
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields = stat.Substring(stat.LastIndexOf ')' + 2).Split ' '
    let ticks = float (int64 fields[11] + int64 fields[12])
    // Clock ticks of USER_HZ, 100 a second on Linux.
    ticks * 1000.0 / 100.0

/// Stops a child process and its descendants.
let stop (p: Process) =
    if not p.HasExited then
        p.Kill true
        p.WaitForExit 10_000 |> ignore

    p.Dispose()
