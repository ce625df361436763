export type UploadWhen = 'always' | 'on-failure' | 'never'

/** What the post step needs to publish the run's record (parsed by config/sections.ts). */
export interface ArtifactSettings {
  when: UploadWhen
  name: string
  /** 1–90, or undefined for the repository's default */
  retentionDays?: number
  jobSummary: boolean
}
