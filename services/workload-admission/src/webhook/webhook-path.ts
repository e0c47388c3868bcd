/** Where the API server posts AdmissionReviews (the MutatingWebhookConfiguration's path). */
export const WEBHOOK_PATH = '/mutate';
