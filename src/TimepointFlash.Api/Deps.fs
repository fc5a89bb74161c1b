namespace TimepointFlash.Api

open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// What the engine layer tells the API about itself.
type EngineInfo = {
    /// "offline" or the primary provider's name.
    Name: string
    IsOffline: bool
    /// Providers, models and fallback without secrets.
    Describe: unit -> JsonNode
    /// Models known to the engine (and, when asked, fetched from the remote catalogue).
    ListModels: bool -> CancellationToken -> Task<JsonNode list * bool>
}

/// Everything the HTTP layer needs, built once by the composition root.
type ApiDeps = {
    App: AppEnv
    Engine: EngineInfo
    /// Cancelled when the host stops: generations run on this, not on the request.
    Stopping: CancellationToken
    /// The engine's scene card for a timepoint without an image: bytes and content type.
    SceneCard: Timepoint -> byte[] * string
    Version: string
    Environment: string
}
