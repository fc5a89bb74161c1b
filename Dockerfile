# syntax=docker/dockerfile:1
# Multi-stage build of the TimepointFlash API: SDK restore/build/publish, then the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY dotnet-tools.json global.json paket.dependencies paket.lock Directory.Build.props ./
COPY .paket/ .paket/
RUN dotnet tool restore
COPY src/ src/
RUN dotnet paket restore
RUN dotnet publish src/TimepointFlash.Api -c Release -o /app/publish --no-self-contained \
 && dotnet publish src/TimepointFlash.Cli -c Release -o /app/publish/cli --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production \
    ENVIRONMENT=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
COPY --from=build /app/publish/ ./
RUN mkdir -p /data && chown -R app:app /data
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD ["dotnet", "cli/tpflash.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "TimepointFlash.Api.dll"]
