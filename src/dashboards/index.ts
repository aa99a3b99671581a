/** Generic dashboard factories (panels, queries, variables, links); dashboards live with what they show. */
export * from './queries';
export * from './variables';
export * from './panels';
export * from './links';
