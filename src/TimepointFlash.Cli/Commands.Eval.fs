/// `eval models` and `eval compare`: model comparison.
module TimepointFlash.Cli.Commands.Eval

open System
open System.Text.Json.Nodes
open Argu
open TimepointFlash
open TimepointFlash.Cli
open TimepointFlash.Cli.Commands.Common

/// The body of a comparison request from the command line (checked as the API checks it).
let private compareBody (args: ParseResults<EvalCompareArgs>) =
    let models = args.GetResults EvalCompareArgs.Model
    let presets = args.GetResults EvalCompareArgs.Preset

    Encode.obj [
        "query", Encode.string (String.Join(" ", args.GetResult EvalCompareArgs.Query))
        if not models.IsEmpty then
            "models", models |> Encode.list (fun m -> Encode.obj [ "model_id", Encode.string m ])
        if not presets.IsEmpty then
            "presets", Encode.list Encode.string presets
        match args.TryGetResult EvalCompareArgs.Set with
        | Some set -> "preset", Encode.string set
        | None -> ()
        match args.TryGetResult EvalCompareArgs.Timeout with
        | Some t -> "timeout_seconds", Encode.int t
        | None -> ()
    ]

/// Runs an `eval` subcommand.
let run (args: ParseResults<EvalArgs>) =
    match args.GetSubCommand() with
    | EvalArgs.Models m ->
        withBackend (m.TryGetResult CommonArgs.Server) (fun b -> task {
            match! b.EvalModels() with
            | Error e -> return fail e
            | Ok node ->
                if m.Contains CommonArgs.Json then
                    out node
                else
                    match node["models"] with
                    | :? JsonArray as a ->
                        for x in a do
                            Console.Out.WriteLine(string x["provider"] + "\t" + string x["model_id"])
                    | _ -> ()

                return Exit.ok
        })
    | EvalArgs.Compare c ->
        withBackend (c.TryGetResult EvalCompareArgs.Server) (fun b -> task {
            let json = c.Contains EvalCompareArgs.Json
            banner b

            match! b.Compare (compareBody c) (not json || c.Contains EvalCompareArgs.Report) with
            | Error e -> return fail e
            | Ok node ->
                if json then
                    out node
                else
                    Console.Out.Write(string node["report"])

                return Exit.ok
        })
