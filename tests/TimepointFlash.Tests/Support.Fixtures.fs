/// Sample domain values shared by the suites: the signing of the Declaration of Independence.
module TimepointFlash.Tests.Support.Fixtures

open System
open TimepointFlash

let judge = {
    IsValid = true
    QueryType = QueryType.Historical
    CleanedQuery = "signing of the declaration of independence"
    Confidence = 0.95
    Reason = None
    SuggestedQuery = None
    DetectedYear = Some 1776
    DetectedLocation = Some "Philadelphia"
    DetectedFigures = [ "John Hancock" ]
}

let timeline = {
    Year = 1776
    Month = Some 7
    Day = Some 4
    Hour = Some 14
    Minute = None
    Season = Some Season.Summer
    TimeOfDay = Some TimeOfDay.Afternoon
    Location = "Assembly Room, Pennsylvania State House, Philadelphia"
    Era = Some "Early Modern"
    HistoricalContext = Some "The Second Continental Congress adopts the Declaration."
    IsApproximate = false
    Confidence = 0.9
}

let scene = {
    Setting = "The Assembly Room of the Pennsylvania State House"
    Atmosphere = "Hot, tense and solemn"
    Weather = Some "Humid summer heat"
    Lighting = Some "Afternoon sun through tall sash windows"
    Temperature = Some "warm"
    Architecture = Some "Georgian panelled room"
    Objects = [ "quill pens"; "silver inkstand"; "parchment" ]
    Furniture = [ "green baize tables"; "Windsor chairs" ]
    SensoryDetails = [
        {
            Sense = Sense.Sound
            Description = "quills scratching"
            Intensity = Intensity.Subtle
        }
        {
            Sense = Sense.Smell
            Description = "ink and candle wax"
            Intensity = Intensity.Moderate
        }
        {
            Sense = Sense.Touch
            Description = "damp linen collars"
            Intensity = Intensity.Moderate
        }
    ]
    CrowdDescription = Some "Delegates in knots around the tables"
    SocialDynamics = Some "Resolve mixed with fear"
    TensionLevel = TensionLevel.High
    Mood = Some "momentous"
    FocalPoint = Some "John Hancock's signature"
    ColorPalette = [ "cream"; "green"; "brown" ]
}

let character name role speaks = {
    Name = name
    Role = role
    Description = $"{name}, a delegate"
    Clothing = Some "wool coat and breeches"
    Expression = Some "grave"
    Pose = Some "standing"
    Action = Some "watching the signing"
    PositionInScene = Some "by the table"
    AgeDescription = Some "middle-aged"
    HistoricalNote = None
    SpeaksInScene = speaks
    Voice = Voice.empty
}

let cast = {
    Characters = [
        character "John Hancock" CharacterRole.Primary true
        character "Thomas Jefferson" CharacterRole.Primary true
        character "Benjamin Franklin" CharacterRole.Secondary true
        character "Charles Thomson" CharacterRole.Background false
    ]
    FocalCharacter = Some "John Hancock"
    GroupDynamics = Some "United but anxious"
    HistoricalAccuracyNote = None
}

let moment = {
    PlotSummary = "The delegates put their names to treason."
    BeforeContext = Some "Independence was voted two days earlier."
    AfterContext = Some "War follows."
    Stakes = "Their lives"
    Consequences = None
    TensionArc = TensionArc.Climactic
    EmotionalBeats = [ "resolve"; "fear" ]
    ConflictType = Some "colonies versus crown"
    CentralQuestion = Some "Will they hang together?"
    DramaticIrony = None
    HistoricalSignificance = Some "Birth of a nation"
}

let camera = {
    ShotType = ShotType.MediumWide
    Angle = CameraAngle.EyeLevel
    FocalPoint = "Hancock at the table"
    SecondaryFocus = Some "Franklin"
    DepthOfField = DepthOfField.Moderate
    Movement = None
    CompositionRule = "rule of thirds"
    LeadingLines = [ "table edge" ]
    ForegroundElements = [ "inkstand" ]
    MidgroundElements = [ "signers" ]
    BackgroundElements = [ "windows" ]
    FramingIntent = Some "gravity of the act"
}

let graph = {
    Relationships = [
        {
            FromCharacter = "John Hancock"
            ToCharacter = "Thomas Jefferson"
            RelationshipType = RelationshipType.Ally
            TensionLevel = RelationshipTension.Friendly
            Description = Some "fellow patriots"
        }
    ]
    Factions = [
        {
            Name = "Congress"
            Members = [ "John Hancock"; "Thomas Jefferson" ]
            Goal = Some "independence"
        }
    ]
    PowerDynamics = Some "Hancock presides"
    CentralConflict = Some "Defiance of the crown"
    Alliances = [ "delegates" ]
    Rivalries = []
    HistoricalContext = None
}

let dialog = {
    Lines = [
        {
            Speaker = "John Hancock"
            Text = "There, the king may read that without his spectacles."
            Tone = Some "defiant"
            IsWhispered = false
            Action = Some "sets down the quill"
            Direction = None
            ResponseTo = None
        }
        {
            Speaker = "Benjamin Franklin"
            Text = "We must all hang together now."
            Tone = Some "wry"
            IsWhispered = false
            Action = None
            Direction = None
            ResponseTo = Some "John Hancock"
        }
    ]
    SceneContext = Some "The signing"
    LanguageStyle = Some "18th-century formal English"
    HistoricalAccuracyNote = None
}

/// A review with one minor issue and nothing critical.
let critique = {
    Issues = [
        {
            Severity = Severity.Minor
            Category = IssueCategory.Style
            Field = "dialog[1]"
            Quote = Some "We must all hang together now."
            Description = "The quip is usually dated to later that summer."
        }
    ]
    HasCritical = false
    RevisionInstructions = None
    Revised = false
}

let createdAt = DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)
let fixedId = Guid.Parse "11111111-2222-3333-4444-555555555555"
