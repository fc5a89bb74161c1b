namespace TimepointFlash.Api

open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Runtime

/// Everything the HTTP layer needs, built once by the composition root.
type ApiDeps = {
    App: AppEnv
    /// Chat, dialog extension and survey with the people of a scene.
    Interact: Interactions
    Engine: EngineInfo
    /// Cancelled when the host stops: generations run on this, not on the request.
    Stopping: CancellationToken
    /// The engine's scene card for a timepoint without an image: bytes and content type.
    SceneCard: Timepoint -> byte[] * string
    /// Rendered finished timepoints for GET by id (the store in App already invalidates it).
    ReadCache: ReadCache
    Version: string
    Environment: string
    /// Keys and what they guard (one access model for API and UI).
    Access: AccessSettings
}
