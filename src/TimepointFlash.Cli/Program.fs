module TimepointFlash.Cli.Program

open TimepointFlash.Engines

[<EntryPoint>]
let main argv =
    match argv with
    | [| "--version" |] ->
        printfn "%s" Version.current
        0
    | _ ->
        eprintfn "usage: tpflash --version"
        2
