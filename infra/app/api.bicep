// The Flex Consumption plan and the Spheres function app. The app runs as the
// user-assigned identity for everything: storage (AzureWebJobsStorage__*), the deployment
// package, Key Vault references and Application Insights ingestion.

param location string
param tags object
param functionAppName string
param planName string
param identityResourceId string
param identityClientId string
param instanceMemoryMB int
param maximumInstanceCount int
param corsAllowedOrigins string[]
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string
param keyVaultName string
param keyVaultUri string

@description('Empty: the app\'s own https URL.')
param publicBaseUrl string
param frontendBaseUrl string
param googlePubSubTopic string = ''
param gmailPushServiceAccount string
param catalogReseedSchedule string

@allowed(['local', 'azure-openai'])
param embeddingsProvider string
@description('Empty unless embeddingsProvider is azure-openai.')
param openAIEndpoint string
param openAIEmbeddingDeployment string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The platform probes every instance here (anonymous; 200 while the instance reaches Table and Queue storage,
      // 503 otherwise) and takes an instance that keeps failing out of rotation. Spheres.Functions/Health/HealthFunctions.cs.
      healthCheckPath: '/api/health/'
      // Platform CORS allows these origins and answers preflights. It has no exposed-headers setting: the app's own
      // answers carry Access-Control-Expose-Headers (ETag, Location, Content-Location, Retry-After, WWW-Authenticate, Allow), see
      // Spheres.Functions/Http/CorsExposedHeaders.cs and docs/deploy.md. Credentials stay off: the API uses bearer tokens.
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

var appUrl = 'https://${functionApp.properties.defaultHostName}'

// App settings are a child resource so they can use the site's own host name.
// Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be set here.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Identity-based host storage: endpoints and the identity, no account key anywhere.
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId

    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    Spheres__PublicBaseUrl: empty(publicBaseUrl) ? appUrl : publicBaseUrl
    Spheres__Telegram__ApiBaseUrl: 'https://api.telegram.org'
    Spheres__KeyVault__Uri: keyVaultUri
    Spheres__Catalog__ReseedSchedule: catalogReseedSchedule
    Spheres__Meta__GraphApiBaseUrl: 'https://graph.facebook.com/v21.0'
    Spheres__Zoom__ApiBaseUrl: 'https://api.zoom.us/v2'
    Spheres__Calendly__ApiBaseUrl: 'https://api.calendly.com'
    Spheres__Square__ApiBaseUrl: 'https://connect.squareup.com'
    Spheres__RateLimit__AuthPerMinute: '30'
    // Azure's front end appends the caller's address to X-Forwarded-For: the last entry is the real client.
    Spheres__RateLimit__TrustForwardedFor: 'true'
    Spheres__Google__ApiBaseUrl: 'https://www.googleapis.com'
    // Gmail push (Pub/Sub): the OIDC token's audience is the push endpoint, as Pub/Sub sets it by default.
    Spheres__Google__PubSubAudience: '${empty(publicBaseUrl) ? appUrl : publicBaseUrl}/api/webhooks/gmail/'
    Spheres__Google__PubSubServiceAccount: gmailPushServiceAccount
    Spheres__Google__OidcJwksUrl: 'https://www.googleapis.com/oauth2/v3/certs'
    Spheres__Retention__MessageDays: '400'
    Spheres__Embeddings__Provider: embeddingsProvider
    Spheres__AzureOpenAI__Endpoint: openAIEndpoint
    Spheres__AzureOpenAI__EmbeddingDeployment: openAIEmbeddingDeployment
    // Secrets are resolved by the platform from the vault with keyVaultReferenceIdentity;
    // docs/deploy.md tells the operator to set these secret names after deployment.
    Spheres__Auth__SigningKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-auth-signing-key)'
    Spheres__Meta__AppSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-meta-app-secret)'
    Spheres__Meta__VerifyToken: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-meta-verify-token)'
    Spheres__Calendly__SigningKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-calendly-signing-key)'
    Spheres__Zoom__WebhookSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-zoom-webhook-secret)'
    Spheres__Square__SignatureKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-square-signature-key)'
    Spheres__FrontendBaseUrl: frontendBaseUrl
    Spheres__Google__PubSubTopic: googlePubSubTopic
    // OAuth clients (docs/deploy.md lists the redirect URIs to register); until set, connect answers 503 not-configured.
    Spheres__OAuth__Google__ClientId: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-google-client-id)'
    Spheres__OAuth__Google__ClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-google-client-secret)'
    Spheres__OAuth__Meta__ClientId: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-meta-client-id)'
    Spheres__OAuth__Meta__ClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-meta-client-secret)'
    Spheres__OAuth__Zoom__ClientId: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-zoom-client-id)'
    Spheres__OAuth__Zoom__ClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-zoom-client-secret)'
    Spheres__OAuth__Calendly__ClientId: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-calendly-client-id)'
    Spheres__OAuth__Calendly__ClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-calendly-client-secret)'
    Spheres__OAuth__Square__ClientId: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-square-client-id)'
    Spheres__OAuth__Square__ClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-square-client-secret)'
    Spheres__OAuth__Zocdoc__ClientId: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-zocdoc-client-id)'
    Spheres__OAuth__Zocdoc__ClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-oauth-zocdoc-client-secret)'
    // Outgoing mail (password reset): the SMTP account lives in the vault; until it is set, reset answers 503 not-configured.
    Spheres__Smtp__Host: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-smtp-host)'
    Spheres__Smtp__Port: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-smtp-port)'
    Spheres__Smtp__User: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-smtp-user)'
    Spheres__Smtp__Password: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-smtp-password)'
    Spheres__Smtp__From: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=spheres-smtp-from)'
  }
}

output name string = functionApp.name
output url string = appUrl
output publicBaseUrl string = empty(publicBaseUrl) ? appUrl : publicBaseUrl
