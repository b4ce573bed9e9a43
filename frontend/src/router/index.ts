import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/jobs' },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true, title: 'Log in' },
  },
  {
    path: '/jobs',
    name: 'jobs',
    component: () => import('@/views/JobsView.vue'),
    meta: { title: 'Jobs' },
  },
  {
    path: '/jobs/:id',
    name: 'job',
    component: () => import('@/views/JobDetailView.vue'),
    props: true,
    meta: { title: 'Job' },
  },
  {
    path: '/new',
    name: 'new',
    component: () => import('@/views/NewDatasetView.vue'),
    meta: { title: 'New dataset' },
  },
  {
    path: '/datasets/:id',
    name: 'dataset',
    component: () => import('@/views/DatasetView.vue'),
    props: true,
    meta: { title: 'Dataset' },
  },
  {
    path: '/compare',
    name: 'compare',
    component: () => import('@/views/CompareView.vue'),
    meta: { title: 'Compare models' },
  },
  {
    path: '/token',
    name: 'token',
    component: () => import('@/views/TokenView.vue'),
    meta: { title: 'API token' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { public: true, title: 'Not found' },
  },
]

export const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  await auth.ensureChecked()
  if (!to.meta.public && !auth.isAuthenticated) {
    return { name: 'login', query: to.fullPath !== '/jobs' ? { next: to.fullPath } : {} }
  }
  if (to.name === 'login' && auth.isAuthenticated) return { name: 'jobs' }
  return true
})

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : ''
  document.title = title ? `${title} · Syn-Data` : 'Syn-Data'
})
