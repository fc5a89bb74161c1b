module TimepointFlash.Cli.Program

open System
open System.Threading.Tasks
open Argu
open TimepointFlash
open TimepointFlash.Cli.Commands
open TimepointFlash.Cli.Commands.Common

/// Runs one parsed command.
let dispatch (results: ParseResults<Command>) : Task<int> =
    // --version is a flag, not a subcommand: GetSubCommand would reject it.
    if results.Contains Command.Version then
        Console.Out.WriteLine TimepointFlash.Engines.Version.current
        Task.FromResult Exit.ok
    else
        match results.GetSubCommand() with
        | Generate a -> Generate.generate a
        | List a -> Library.listing a
        | Show a -> Library.showOne a
        | Next a -> Generate.navigate Direction.Next a
        | Prior a -> Generate.navigate Direction.Prior a
        | Sequence a -> Library.sequence a
        | Delete a -> Library.delete a
        | Chat a -> Interact.chat a
        | Dialog a -> Interact.dialog a
        | Survey a -> Interact.survey a
        | Models a -> Library.models a
        | Export a -> Library.export a
        | Eval a -> Commands.Eval.run a
        | Command.Calendar a ->
            Task.FromResult(
                CalendarCommand.run
                    (a.GetResult CalendarArgs.Date)
                    (a.TryGetResult CalendarArgs.Place)
                    (a.TryGetResult CalendarArgs.Add)
                    (a.Contains CalendarArgs.Json)
            )
        | Check a -> Commands.Check.run a
        | Serve a -> Task.FromResult(TimepointFlash.Api.Program.run [] (a.TryGetResult ServeArgs.Port))
        | Mcp a -> Service.mcp a
        | Migrate -> Service.migrate ()
        | Healthcheck a -> Service.healthcheck a
        | Version ->
            Console.Out.WriteLine TimepointFlash.Engines.Version.current
            Task.FromResult Exit.ok

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<Command>(programName = "tpflash")
    // `serve` keeps the host's own Ctrl-C handling (graceful shutdown).
    if not (argv.Length > 0 && argv[0] = "serve") then
        Interrupt.install ()

    try
        let results = parser.ParseCommandLine(argv, raiseOnUsage = true)
        (dispatch results).GetAwaiter().GetResult()
    with
    | :? ArguParseException as e when e.ErrorCode = ErrorCode.HelpText ->
        Console.Out.WriteLine e.Message
        Exit.ok
    | :? ArguParseException as e ->
        Console.Error.WriteLine e.Message
        Exit.usage
