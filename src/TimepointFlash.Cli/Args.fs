namespace TimepointFlash.Cli

open Argu

/// Options every command accepts.
type CommonArgs =
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Json -> "print machine-readable JSON only"
            | Server _ -> "talk to a running server (e.g. http://127.0.0.1:8000) instead of the embedded engine"

type GenerateArgs =
    | [<MainCommand; ExactlyOnce>] Query of query: string list
    | Image
    | Preset of name: string
    | Text_Model of id: string
    | Image_Model of id: string
    | Temperature of value: float
    | Grounding of mode: string
    | Out of dir: string
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Query _ -> "the moment, e.g. moon landing 1969 (words are joined; quotes are optional)"
            | Image -> "also generate an image"
            | Preset _ -> "hyper, balanced (default), hd, gemini3, free_distillable or frontier"
            | Text_Model _ -> "the text model for the creative steps (replaces the preset's)"
            | Image_Model _ -> "the image model (replaces the preset's)"
            | Temperature _ -> "sampling temperature for every text step (0-2)"
            | Grounding _ -> "check a real event against sources: auto, on or off (default: GROUNDING)"
            | Out _ -> "write <slug>.json (and the image) into this folder"
            | Json -> "print the timepoint as JSON only"
            | Server _ -> "use a running server"

type ListArgs =
    | Page of int
    | Page_Size of int
    | Status of string
    | Search of string
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Page _ -> "page number (from 1)"
            | Page_Size _ -> "items per page (1-100)"
            | Status _ -> "pending, processing, completed or failed"
            | Search _ -> "text to look for in the query or place"
            | Json -> "print JSON only"
            | Server _ -> "use a running server"

type ShowArgs =
    | [<MainCommand; ExactlyOnce>] Id of idOrSlug: string
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "timepoint id or slug"
            | Json -> "print JSON only"
            | Server _ -> "use a running server"

type DeleteArgs =
    | [<MainCommand; ExactlyOnce>] Id of idOrSlug: string
    | Permanent
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "timepoint id or slug"
            | Permanent -> "delete now, for good (default: hide it; the server's purge deletes it later)"
            | Json -> "print JSON only"
            | Server _ -> "use a running server"

type NavigateArgs =
    | [<MainCommand; ExactlyOnce>] Id of id: string
    | Units of int
    | Unit of string
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "source timepoint id or slug"
            | Units _ -> "how many units to travel (1-365, default 1)"
            | Unit _ -> "second, minute, hour, day, week, month or year (default day)"
            | Json -> "print JSON only"
            | Server _ -> "use a running server"

type SequenceArgs =
    | [<MainCommand; ExactlyOnce>] Id of id: string
    | Direction of string
    | Limit of int
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "center timepoint id or slug"
            | Direction _ -> "prior, next or both (default both)"
            | Limit _ -> "scenes per side (1-50, default 10)"
            | Json -> "print JSON only"
            | Server _ -> "use a running server"

type ExportArgs =
    | [<MainCommand; ExactlyOnce>] Id of id: string
    | Format of string
    | Out of file: string
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "timepoint id or slug"
            | Format _ -> "json, markdown, html or tdf (default json); a server's export endpoints with --server"
            | Out _ -> "write to this file instead of stdout"
            | Server _ -> "use a running server"

type EvalCompareArgs =
    | [<MainCommand; ExactlyOnce>] Query of query: string list
    | Set of name: string
    | Preset of name: string
    | Model of id: string
    | Timeout of seconds: int
    | Report
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Query _ -> "the moment every model or preset generates"
            | Set _ -> "a model set: verified (default), google_native, openrouter or all"
            | Preset _ -> "compare this preset (repeatable; wins over --set)"
            | Model _ -> "compare this model id (repeatable; wins over --preset)"
            | Timeout _ -> "the whole comparison ends within this many seconds (10-600, default 120)"
            | Report -> "with --json, add the text report"
            | Json -> "print JSON only"
            | Server _ -> "use a running server"

type EvalArgs =
    | [<CliPrefix(CliPrefix.None)>] Models of ParseResults<CommonArgs>
    | [<CliPrefix(CliPrefix.None)>] Compare of ParseResults<EvalCompareArgs>

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Models _ -> "the model sets and models a comparison can run"
            | Compare _ -> "generate one query with several models or presets and compare speed and success"

type CheckArgs =
    | [<MainCommand; ExactlyOnce>] Text of text: string
    | [<Mandatory>] Year of year: string
    | [<AltCommandLine("-j")>] Json

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Text _ -> "the text to check, e.g. \"fluorescent office light\""
            | Year _ -> "the scene's year: 1903, -44 or \"44 BCE\""
            | Json -> "print JSON only"

type ChatArgs =
    | [<MainCommand; ExactlyOnce>] Id of idOrSlug: string
    | [<Mandatory>] Character of name: string
    | Message of text: string
    | Save
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "timepoint id or slug"
            | Character _ -> "who to talk to, e.g. \"Julius Caesar\""
            | Message _ -> "say one thing and print the answer (without it: a conversation, Ctrl-D to leave)"
            | Save -> "keep the one-shot exchange as a stored session (a conversation always is)"
            | Json -> "print the answer as JSON only"
            | Server _ -> "use a running server"

type DialogArgs =
    | [<MainCommand; ExactlyOnce>] Id of idOrSlug: string
    | Lines of n: int
    | Characters of names: string
    | Prompt of text: string
    | Save
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "timepoint id or slug"
            | Lines _ -> "how many lines to add, 1 to 10 (default 5)"
            | Characters _ -> "who speaks, comma-separated, e.g. \"John Adams,Benjamin Franklin\" (default all)"
            | Prompt _ -> "steer the conversation, e.g. \"they argue about who signs first\""
            | Save -> "append the lines to the scene's dialog"
            | Json -> "print the result as JSON only"
            | Server _ -> "use a running server"

type SurveyArgs =
    | [<MainCommand; ExactlyOnce>] Id of idOrSlug: string
    | [<Mandatory>] Question of text: string
    | Characters of names: string
    | Chain
    | Summary
    | [<AltCommandLine("-j")>] Json
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Id _ -> "timepoint id or slug"
            | Question _ -> "a question for every chosen character (repeat for more, at most 10)"
            | Characters _ -> "who to ask, comma-separated (default all)"
            | Chain -> "ask one after another, each seeing the earlier answers"
            | Summary -> "end with a summary across the answers"
            | Json -> "print the result as JSON only"
            | Server _ -> "use a running server"

type ServeArgs =
    | Port of int

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Port _ -> "port on 127.0.0.1 (default PORT or 8000)"

type McpArgs =
    | Server of url: string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Server _ -> "relay to a running server's /mcp (key from TPFLASH_API_KEY) instead of the embedded engine"

type HealthArgs =
    | Url of string

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Url _ -> "health URL (default http://127.0.0.1:$PORT/health)"

type CalendarArgs =
    | [<MainCommand; ExactlyOnce>] Date of date: string
    | Place of place: string
    | Add of amount: string
    | [<AltCommandLine("-j")>] Json

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Date _ -> "the date as the place wrote it, e.g. \"25 October 1917\" or \"30 January 1648/9\""
            | Place _ -> "a city or country whose calendar applies (default: the universal 1582 rule)"
            | Add _ -> "step in the local calendar first, e.g. \"1 day\", \"-3 weeks\", \"2 months\""
            | Json -> "print JSON only"

/// The tpflash command line.
type Command =
    | [<CliPrefix(CliPrefix.None)>] Generate of ParseResults<GenerateArgs>
    | [<CliPrefix(CliPrefix.None)>] List of ParseResults<ListArgs>
    | [<CliPrefix(CliPrefix.None)>] Show of ParseResults<ShowArgs>
    | [<CliPrefix(CliPrefix.None)>] Next of ParseResults<NavigateArgs>
    | [<CliPrefix(CliPrefix.None)>] Prior of ParseResults<NavigateArgs>
    | [<CliPrefix(CliPrefix.None)>] Sequence of ParseResults<SequenceArgs>
    | [<CliPrefix(CliPrefix.None)>] Delete of ParseResults<DeleteArgs>
    | [<CliPrefix(CliPrefix.None)>] Models of ParseResults<CommonArgs>
    | [<CliPrefix(CliPrefix.None)>] Export of ParseResults<ExportArgs>
    | [<CliPrefix(CliPrefix.None)>] Eval of ParseResults<EvalArgs>
    | [<CliPrefix(CliPrefix.None)>] Calendar of ParseResults<CalendarArgs>
    | [<CliPrefix(CliPrefix.None)>] Check of ParseResults<CheckArgs>
    | [<CliPrefix(CliPrefix.None)>] Chat of ParseResults<ChatArgs>
    | [<CliPrefix(CliPrefix.None)>] Dialog of ParseResults<DialogArgs>
    | [<CliPrefix(CliPrefix.None)>] Survey of ParseResults<SurveyArgs>
    | [<CliPrefix(CliPrefix.None)>] Serve of ParseResults<ServeArgs>
    | [<CliPrefix(CliPrefix.None)>] Mcp of ParseResults<McpArgs>
    | [<SubCommand; CliPrefix(CliPrefix.None)>] Migrate
    | [<CliPrefix(CliPrefix.None)>] Healthcheck of ParseResults<HealthArgs>
    | Version

    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Generate _ -> "generate a scene for a moment in time"
            | List _ -> "list scenes, newest first"
            | Show _ -> "show one scene"
            | Next _ -> "generate a later moment from a scene"
            | Prior _ -> "generate an earlier moment from a scene"
            | Sequence _ -> "scenes linked to one, ordered in time"
            | Delete _ -> "delete a scene"
            | Models _ -> "list models and providers"
            | Export _ -> "export a scene as JSON, Markdown, self-contained HTML or its TDF record"
            | Eval _ -> "compare models or presets on one query"
            | Calendar _ -> "a date in the calendars of its place and of the world (no server needed)"
            | Check _ -> "check text for anachronisms against a year (exit 1 when something is found)"
            | Chat _ -> "talk to a person of a scene, in character (one message or a conversation)"
            | Dialog _ -> "extend a scene's dialog by a few lines among its people"
            | Survey _ -> "put the same questions to several people of a scene"
            | Serve _ -> "run the HTTP server"
            | Mcp _ -> "run the MCP server over stdio (for desktop MCP clients)"
            | Migrate -> "apply database migrations"
            | Healthcheck _ -> "exit 0 when the server's /health answers (for container health checks)"
            | Version -> "print the version"
