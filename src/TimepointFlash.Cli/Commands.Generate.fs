/// The commands that generate: `generate` and `next`/`prior` (navigation).
module TimepointFlash.Cli.Commands.Generate

open System
open System.IO
open System.Threading.Tasks
open Argu
open TimepointFlash
open TimepointFlash.Runtime
open TimepointFlash.Cli
open TimepointFlash.Cli.Commands.Common

/// The generation control of `--preset`, `--text-model`, `--image-model`, `--temperature` and `--grounding`, checked as the API
/// checks a request body.
let private controlOf (args: ParseResults<GenerateArgs>) =
    let text (name: string) (value: string option) =
        value |> Option.map (fun v -> name, Encode.string v)

    let node =
        Encode.obj (
            [
                text "preset" (args.TryGetResult GenerateArgs.Preset)
                text "text_model" (args.TryGetResult GenerateArgs.Text_Model)
                text "image_model" (args.TryGetResult GenerateArgs.Image_Model)
                text "grounding" (args.TryGetResult GenerateArgs.Grounding)
                args.TryGetResult GenerateArgs.Temperature
                |> Option.map (fun t -> "llm_params", Encode.obj [ "temperature", Encode.float t ])
            ]
            |> List.choose id
        )

    Decode.fromNode (GenerationControl.decoder Engines.Presets.names) node
    |> Result.mapError (fun errors -> CliError.Invalid(DecodeError.describeAll errors))

/// Generates a scene for the query, showing the steps live; writes it (and its image) to `--out` when given.
let generate (args: ParseResults<GenerateArgs>) =
    let json = args.Contains GenerateArgs.Json

    let query = String.Join(" ", args.GetResult GenerateArgs.Query).Trim()

    match controlOf args with
    | Error e -> Task.FromResult(fail e)
    | Ok _ when query.Length < 3 || query.Length > 500 ->
        Task.FromResult(fail (CliError.Invalid "the query must be 3 to 500 characters long"))
    | Ok control ->

        withBackend (args.TryGetResult GenerateArgs.Server) (fun b -> task {
            banner b
            use display = new LiveDisplay()
            let! outcome = b.Generate query (args.Contains GenerateArgs.Image) control display.Report
            display.Close(outcome |> Result.toOption)

            match outcome with
            | Error e -> return fail e
            | Ok t ->
                match args.TryGetResult GenerateArgs.Out with
                | Some dir ->
                    Directory.CreateDirectory dir |> ignore
                    let slug = t["slug"].ToString()
                    let file = Path.Combine(dir, slug + ".json")
                    File.WriteAllText(file, Encode.toIndentedString t)
                    Console.Error.WriteLine $"tpflash: wrote {Path.GetFullPath file}"

                    match Guid.TryParse(t["id"].ToString()) with
                    | true, id ->
                        match! b.Image id with
                        | Some img ->
                            let ext =
                                if img.MimeType.Contains "svg" then "svg"
                                elif img.MimeType.Contains "jpeg" then "jpg"
                                else "png"

                            let image = Path.Combine(dir, $"{slug}.{ext}")
                            File.WriteAllBytes(image, img.Bytes)
                            Console.Error.WriteLine $"tpflash: wrote {Path.GetFullPath image}"
                        | None -> ()
                    | _ -> ()
                | None -> ()

                show json t
                return if isFailed t then Exit.failed else Exit.ok
        })

/// Generates the scene a number of time units before or after a stored one.
let navigate direction (args: ParseResults<NavigateArgs>) =
    let json = args.Contains NavigateArgs.Json

    withBackend (args.TryGetResult NavigateArgs.Server) (fun b -> task {
        let units = args.GetResult(NavigateArgs.Units, 1)

        match TimeUnit.parse (args.GetResult(NavigateArgs.Unit, "day")) with
        | Error _ -> return fail (CliError.Invalid "--unit must be second, minute, hour, day, week, month or year")
        | Ok _ when units < 1 || units > 365 -> return fail (CliError.Invalid "--units must be between 1 and 365")
        | Ok unit ->
            banner b
            use display = new LiveDisplay()
            let! outcome = b.Navigate (args.GetResult NavigateArgs.Id) direction units unit display.Report
            display.Close(outcome |> Result.toOption |> Option.map snd)

            match outcome with
            | Error e -> return fail e
            | Ok(nav, target) ->
                if json then
                    out (Encode.obj [ "navigation", nav.DeepClone(); "target", target.DeepClone() ])
                else
                    Console.Out.WriteLine(nav["message"].ToString())
                    Console.Out.WriteLine(Render.summary target)

                return if isFailed target then Exit.failed else Exit.ok
    })
