/// The commands over stored scenes: list, show, sequence, delete, export, and the models listing.
module TimepointFlash.Cli.Commands.Library

open System
open System.IO
open System.Text.Json.Nodes
open Argu
open TimepointFlash
open TimepointFlash.Runtime
open TimepointFlash.Cli
open TimepointFlash.Cli.Commands.Common

/// Lists stored scenes a page at a time, by status or search.
let listing (args: ParseResults<ListArgs>) =
    withBackend (args.TryGetResult ListArgs.Server) (fun b -> task {
        let status = args.TryGetResult ListArgs.Status

        let page = args.GetResult(ListArgs.Page, 1)
        let pageSize = args.GetResult(ListArgs.Page_Size, 20)

        match status |> Option.map TimepointStatus.tryParse with
        | Some None -> return fail (CliError.Invalid "--status must be pending, processing, completed or failed")
        | _ when page < 1 -> return fail (CliError.Invalid "--page starts at 1")
        | _ when pageSize < 1 || pageSize > 100 -> return fail (CliError.Invalid "--page-size must be 1 to 100")
        | parsed ->
            let q = {
                Page = page
                PageSize = pageSize
                Status = parsed |> Option.flatten
                Search = args.TryGetResult ListArgs.Search
                After = None
            }

            match! b.List q with
            | Error e -> return fail e
            | Ok page ->
                if args.Contains ListArgs.Json then
                    out page
                else
                    Console.Out.WriteLine(Render.listing page)

                return Exit.ok
    })

/// Shows one scene by id or slug.
let showOne (args: ParseResults<ShowArgs>) =
    withBackend (args.TryGetResult ShowArgs.Server) (fun b -> task {
        match! b.Get(args.GetResult ShowArgs.Id) with
        | Error e -> return fail e
        | Ok t ->
            show (args.Contains ShowArgs.Json) t
            return Exit.ok
    })

/// Shows the scenes before and after one in time.
let sequence (args: ParseResults<SequenceArgs>) =
    withBackend (args.TryGetResult SequenceArgs.Server) (fun b -> task {
        let limit = args.GetResult(SequenceArgs.Limit, 10)

        if limit < 1 || limit > 50 then
            return fail (CliError.Invalid "--limit must be between 1 and 50")
        else
            match!
                b.Sequence (args.GetResult SequenceArgs.Id) (args.GetResult(SequenceArgs.Direction, "both")) limit
            with
            | Error e -> return fail e
            | Ok s ->
                if args.Contains SequenceArgs.Json then
                    out s
                else
                    Console.Out.WriteLine(Render.sequence s)

                return Exit.ok
    })

/// Deletes a scene: soft, or permanently with --permanent.
let delete (args: ParseResults<DeleteArgs>) =
    withBackend (args.TryGetResult DeleteArgs.Server) (fun b -> task {
        match! b.Delete (args.GetResult DeleteArgs.Id) (args.Contains DeleteArgs.Permanent) with
        | Error e -> return fail e
        | Ok r ->
            if args.Contains DeleteArgs.Json then
                out r
            else
                Console.Out.WriteLine(r["message"].ToString())

            return Exit.ok
    })

/// Lists the models the backend offers.
let models (args: ParseResults<CommonArgs>) =
    withBackend (args.TryGetResult CommonArgs.Server) (fun b -> task {
        match! b.Models() with
        | Error e -> return fail e
        | Ok m ->
            if args.Contains CommonArgs.Json then
                out m
            else
                match m["models"] with
                | :? JsonArray as a ->
                    for x in a do
                        Console.Out.WriteLine(string x["provider"] + "\t" + string x["id"])
                | _ -> ()

            return Exit.ok
    })

/// Writes a scene as json, markdown, html or tdf to --out or standard output.
let export (args: ParseResults<ExportArgs>) =
    withBackend (args.TryGetResult ExportArgs.Server) (fun b -> task {
        let format =
            match args.GetResult(ExportArgs.Format, "json").ToLowerInvariant() with
            | "md" -> "markdown"
            | f -> f

        match format with
        | "json"
        | "markdown"
        | "html"
        | "tdf" ->
            match! b.Export (args.GetResult ExportArgs.Id) format with
            | Error e -> return fail e
            | Ok text ->
                match args.TryGetResult ExportArgs.Out with
                | Some file -> File.WriteAllText(file, text)
                | None -> Console.Out.Write text

                return Exit.ok
        | other -> return fail (CliError.Invalid $"--format must be json, markdown, html or tdf, got '{other}'")
    })
