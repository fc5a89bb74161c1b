# syntax=docker/dockerfile:1
# TimepointFlash image: the SDK stage restores (Paket, from the committed lock) and publishes the API and the CLI;
# the runtime stage is the plain ASP.NET image with the published files, a non-root user and a health check that
# runs the CLI (no curl in the image). Build: docker build -t timepointflash .
# scripts/check-deploy.sh re-runs this file's restore and publish commands and checks the rest statically.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
# Tools and the package lock first: this layer is cached until the lock or the tool manifest changes.
COPY dotnet-tools.json global.json paket.dependencies paket.lock Directory.Build.props ./
COPY .paket/ .paket/
RUN dotnet tool restore
# Sources (tests, docs, deploy files and build output are excluded by .dockerignore).
# ReadyToRun: precompiled code starts the server about a fifth faster (docs/BENCHMARKS.md, start-up).
COPY src/ src/
# (No cache mount on ~/.nuget/packages: the paket tool restored above lives there too.)
RUN dotnet paket restore \
 && dotnet publish src/TimepointFlash.Api -c Release -o /app -r linux-x64 --no-self-contained -p:UseAppHost=false -p:PublishReadyToRun=true \
 && dotnet publish src/TimepointFlash.Cli -c Release -o /app -r linux-x64 --no-self-contained -p:UseAppHost=false -p:PublishReadyToRun=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# HOST/PORT: where Kestrel listens (the app reads both; the health check reads PORT). ENVIRONMENT is the
# app's own switch. SQLite (DATABASE_URL unset) writes timepoint.db to the working directory /data.
ENV ENVIRONMENT=production \
    ASPNETCORE_ENVIRONMENT=Production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
COPY --from=build /app /app
# The base image's "app" user (uid 1654); numeric so Kubernetes' runAsNonRoot can verify it.
RUN mkdir -p /data && chown 1654:1654 /data
VOLUME /data
WORKDIR /data
USER 1654:1654
EXPOSE 8000
# Liveness: tpflash healthcheck exits 0 when http://127.0.0.1:$PORT/health answers.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["dotnet", "/app/tpflash.dll", "healthcheck"]
# Migrations run at start-up under a PostgreSQL advisory lock; `dotnet /app/tpflash.dll migrate` runs them alone.
ENTRYPOINT ["dotnet", "/app/TimepointFlash.Api.dll"]
