// Azure Monitor alerts on what an operator must act on, as log alerts over Application Insights (its classic tables):
// - a poison queue holds messages (spheres.queue.poison_depth, measured every minute by the MeasureQueueBacklog timer);
// - the app answers too many 5xx (requests);
// - the oldest auto-reply has waited over 5 minutes in every reading of the last 5 (spheres.queue.oldest_age): the
//   sender is stalled or dead, customers are not being answered;
// - one provider refuses many of our replies (spheres.replies with status "failed", by provider): a revoked token, a
//   blocked bot, a closed messaging window at scale, or the provider's own outage.
// Storage's own queue metrics count the whole account (no per-queue dimension), so they cannot tell a poison queue from
// agent-requests; the app measures its queues itself. Each rule splits by queue or provider: one alert per culprit.

param location string
param tags object
param applicationInsightsName string
param actionGroupName string

@description('Where the alerts are mailed. Empty: no action group; the alerts still fire and show in the portal.')
param alertEmail string

@description('Share of 5xx answers, in percent over 15 minutes, above which the app alerts (with at least minimumRequests requests).')
param serverErrorPercent int = 5
param minimumRequests int = 20

@description('Oldest waiting auto-reply, in seconds, above which (in every reading of 5 minutes) the app alerts.')
param autoReplyAgeSeconds int = 300

@description('Failed replies of one provider in 15 minutes at and above which, when they are also failedReplyPercent of its replies, the app alerts.')
param failedReplyMinimum int = 10
param failedReplyPercent int = 20

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'spheres'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var alerts = [
  {
    name: 'poison-queue'
    severity: 1
    description: 'A poison queue (<queue>-poison) holds messages: their function failed 5 times. Fix the cause, then move them back (docs/deploy.md).'
    windowSize: 'PT5M'
    dimension: 'queue'
    query: '''
customMetrics
| where name == "spheres.queue.poison_depth"
| extend queue = tostring(customDimensions.queue)
| summarize depth = max(value) by queue
| where depth > 0
'''
  }
  {
    name: 'server-errors'
    severity: 1
    description: 'More than ${serverErrorPercent}% of the app\'s answers in 15 minutes were 5xx (storage or vault away, or a bug).'
    windowSize: 'PT15M'
    dimension: ''
    query: format('''
requests
| summarize total = sum(itemCount), failed = sumif(itemCount, toint(resultCode) >= 500)
| where total >= {0} and failed * 100.0 / total > {1}
''', minimumRequests, serverErrorPercent)
  }
  {
    name: 'auto-replies-waiting'
    severity: 1
    description: 'The oldest message of auto-replies has waited over ${autoReplyAgeSeconds} s in every reading of 5 minutes: out-of-hours and quota replies are not going out.'
    windowSize: 'PT5M'
    dimension: ''
    query: format('''
customMetrics
| where name == "spheres.queue.oldest_age" and tostring(customDimensions.queue) == "auto-replies"
| summarize readings = count(), youngest = min(value)
| where readings >= 3 and youngest > {0}
''', autoReplyAgeSeconds)
  }
  {
    name: 'provider-refusals'
    severity: 2
    description: 'One provider refused at least ${failedReplyMinimum} replies in 15 minutes, ${failedReplyPercent}% or more of its replies (status failed).'
    windowSize: 'PT15M'
    dimension: 'provider'
    query: format('''
customMetrics
| where name == "spheres.replies"
| extend provider = tostring(customDimensions.provider), status = tostring(customDimensions.status)
| summarize failed = sumif(valueSum, status == "failed"), replies = sum(valueSum) by provider
| where failed >= {0} and failed * 100.0 >= replies * {1}
''', failedReplyMinimum, failedReplyPercent)
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in alerts: {
    name: 'alert-${alert.name}-${applicationInsightsName}'
    location: location
    tags: tags
    properties: {
      displayName: 'Spheres: ${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: 'PT5M'
      windowSize: alert.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            dimensions: empty(alert.dimension) ? [] : [{ name: alert.dimension, operator: 'Include', values: ['*'] }]
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: empty(alertEmail) ? [] : [actionGroup.id]
      }
    }
  }
]
