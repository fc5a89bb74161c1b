// The Release build's assemblies for FSI scripts that use the database (scripts/time-travel.fsx, bench/*.fsx):
// `#load` this file after a Release build, then `open Release`. FSI does not read the app's deps.json, so SQLite is pointed at its
// native library in the build output here too.
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/FsToolkit.ErrorHandling.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/Npgsql.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/Microsoft.Data.Sqlite.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/SQLitePCLRaw.provider.e_sqlite3.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Core.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Engines.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Persistence.dll"
#r "../../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Runtime.dll"

open System
open System.IO
open System.Threading.Tasks

let private nativeSqlite =
    let arch =
        match Runtime.InteropServices.RuntimeInformation.ProcessArchitecture with
        | Runtime.InteropServices.Architecture.Arm64 -> "linux-arm64"
        | _ -> "linux-x64"

    Path.Combine(
        __SOURCE_DIRECTORY__,
        "../../src/TimepointFlash.Cli/bin/Release/net10.0/runtimes",
        arch,
        "native/libe_sqlite3.so"
    )

Runtime.InteropServices.NativeLibrary.SetDllImportResolver(
    typeof<SQLitePCL.SQLite3Provider_e_sqlite3>.Assembly,
    fun name _ _ ->
        if name = "e_sqlite3" && File.Exists nativeSqlite then
            Runtime.InteropServices.NativeLibrary.Load nativeSqlite
        else
            IntPtr.Zero
)

/// Waits for a task in a script.
let run (t: Task<'T>) = t.GetAwaiter().GetResult()

/// Starts the configured services for a script: DATABASE_URL when set, else a throwaway SQLite file named after the
/// script. Returns the services and the function that stops them and removes that file.
let startServices (script: string) =
    let dbFile =
        Path.Combine(Path.GetTempPath(), $"tpflash-{script}-{Guid.NewGuid():N}.db")

    let env = TimepointFlash.Runtime.Runtime.environment ()

    let lookup name =
        match name, env name with
        | "DATABASE_URL", None -> Some $"sqlite:///{dbFile}"
        | _, v -> v

    let services =
        match TimepointFlash.Runtime.Config.read lookup with
        | Error e -> failwith (TimepointFlash.Runtime.ConfigError.describe e)
        | Ok config ->
            match run (TimepointFlash.Runtime.Runtime.startWith config None ignore (fun _ -> Task.CompletedTask)) with
            | Ok s -> s
            | Error e -> failwith (TimepointFlash.Runtime.Runtime.describe e)

    let stop () =
        services.Dispose()

        for f in [ dbFile; dbFile + "-wal"; dbFile + "-shm" ] do
            if File.Exists f then
                File.Delete f

    services, stop
