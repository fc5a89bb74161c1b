/// tpflash-bench: `read`, `concurrency`, `startup`, `all`; `bare` is the read path's child server.
module TimepointFlash.Bench.Program

open System

let private arg (name: string) (args: string list) =
    args
    |> List.pairwise
    |> List.tryPick (fun (k, v) -> if k = name then Some v else None)

let private usage () =
    eprintfn
        "usage: tpflash-bench read|concurrency|startup|all [--database-url URL] [--streams N] [--rounds N] [--server DLL] [--runs N] [--published DIR]"

    eprintfn "       tpflash-bench bare --port P --file F"
    2

[<EntryPoint>]
let main argv =
    let args = List.ofArray argv
    let db = arg "--database-url" args

    let number name fallback =
        arg name args |> Option.map int |> Option.defaultValue fallback

    let read () =
        ReadPath.run {
            ReadPath.defaults with
                DatabaseUrl = db
        }

    let concurrency () =
        Concurrency.run {
            Concurrency.defaults with
                DatabaseUrl = db
                Streams = number "--streams" Concurrency.defaults.Streams
                Rounds = number "--rounds" Concurrency.defaults.Rounds
                ServerDll = arg "--server" args
        }

    let startup () =
        let published =
            arg "--published" args
            |> Option.map (fun dir ->
                "published like the image (ReadyToRun)", IO.Path.Combine(dir, "TimepointFlash.Api.dll"))
            |> Option.toList

        Startup.run (("Release build output", Processes.serverDll ()) :: published) (number "--runs" 5)

    match args with
    | "bare" :: _ ->
        match arg "--port" args, arg "--file" args with
        | Some port, Some file -> Bare.serve (int port) file
        | _ -> usage ()
    | "read" :: _ ->
        (read ()).Wait()
        0
    | "concurrency" :: _ ->
        (concurrency ()).Wait()
        0
    | "startup" :: _ ->
        (startup ()).Wait()
        0
    | "all" :: _ ->
        (startup ()).Wait()
        (read ()).Wait()
        (concurrency ()).Wait()
        0
    | _ -> usage ()
